package io.backbeat.connect.sandbox.sourcesite;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One S3 request as the operations see it: addressed bucket and key, decoded query, signer, decoded body. */
final class S3Request {

    private final HttpExchange exchange;
    private final String method;
    private final String bucket;
    private final String key;
    private final Map<String, String> query;
    private RequestAuthenticator.AuthContext auth;

    S3Request(HttpExchange exchange, String method, String bucket, String key, Map<String, String> query) {
        this.exchange = exchange;
        this.method = method;
        this.bucket = bucket;
        this.key = key;
        this.query = query;
    }

    String method() {
        return method;
    }

    /** The addressed bucket, or null for service-level requests. */
    String bucket() {
        return bucket;
    }

    /** The addressed object key, or null for bucket-level requests. */
    String key() {
        return key;
    }

    boolean has(String queryParameter) {
        return query.containsKey(queryParameter);
    }

    String query(String name) {
        return query.get(name);
    }

    Map<String, String> queryParameters() {
        return query;
    }

    /** First value of a header (case-insensitive), or null. */
    String header(String name) {
        List<String> v = exchange.getRequestHeaders().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    Map<String, List<String>> headers() {
        return exchange.getRequestHeaders();
    }

    void authenticated(RequestAuthenticator.AuthContext context) {
        this.auth = context;
    }

    Account account() {
        return auth.account();
    }

    /** The payload, checked against the signature's payload hash, checksums and lengths while it is read. */
    InputStream body() {
        return PayloadDecoder.decode(exchange.getRequestBody(), auth, this::header);
    }

    /** A small body (XML, JSON) read whole; larger than {@code max} is refused. */
    byte[] smallBody(int max) throws IOException {
        try (InputStream in = body()) {
            byte[] data = in.readNBytes(max + 1);
            if (data.length > max) {
                throw new S3Exception(400, "MaxMessageLengthExceeded",
                        "the request body is larger than " + max + " bytes");
            }
            if (in.read() >= 0) {
                throw new S3Exception(400, "MaxMessageLengthExceeded",
                        "the request body is larger than " + max + " bytes");
            }
            return data;
        }
    }

    /** Integer query parameter with bounds, or the fallback when absent. */
    int intQuery(String name, int fallback, int min, int max) {
        String v = query.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw S3Exception.invalidArgument(name + " must be between " + min + " and " + max + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw S3Exception.invalidArgument(name + " must be an integer, got '" + v + "'");
        }
    }

    String lowerHeader(String name) {
        String v = header(name);
        return v == null ? null : v.toLowerCase(Locale.ROOT);
    }
}
