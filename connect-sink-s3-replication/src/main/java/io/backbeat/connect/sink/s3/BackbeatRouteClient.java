package io.backbeat.connect.sink.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * CloudServer's backbeat metadata route, {@code GET|PUT /_/backbeat/metadata/<bucket>/<key>?versionId=<v>}
 * (v = the external version id, or {@code null}), signed with AWS SigV4 and {@code x-amz-content-sha256}
 * with the credentials of an {@link S3Connection} (a CloudServer service account).
 *
 * <p>GET answers {@code {"Body": "<object metadata JSON>"}}; PUT takes the metadata JSON as body and answers
 * {@code {"versionId": "<internal id>"}}.
 */
public final class BackbeatRouteClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTE = "/_/backbeat/metadata/";

    private final S3Connection connection;
    private final URI endpoint;

    public BackbeatRouteClient(S3Connection connection) {
        if (connection.config().endpoint() == null) {
            throw new IllegalArgumentException("the backbeat route needs the CloudServer endpoint ("
                    + connection.config().prefix() + S3ClientConfig.ENDPOINT + ")");
        }
        this.connection = connection;
        this.endpoint = connection.config().endpoint();
    }

    /**
     * Reads the metadata of one version; empty when CloudServer answers 404 (the version is gone).
     *
     * @param versionId external version id, or null for a non-versioned object ("null")
     */
    public Optional<String> getMetadata(String bucket, String key, String versionId) {
        Response r = execute(SdkHttpMethod.GET, bucket, key, versionId, null);
        if (r.status == 404) {
            return Optional.empty();
        }
        r.throwIfError();
        try {
            JsonNode body = JSON.readTree(r.body);
            JsonNode md = body == null ? null : body.get("Body");
            if (md == null || !md.isTextual()) {
                throw new IllegalStateException("backbeat route answered without a Body string: "
                        + abbreviate(r.body));
            }
            return Optional.of(md.asText());
        } catch (IOException e) {
            throw new IllegalStateException("backbeat route answered with invalid JSON: " + abbreviate(r.body), e);
        }
    }

    /** Writes the metadata of one version; returns the version id CloudServer answers with (may be null). */
    public String putMetadata(String bucket, String key, String versionId, String metadataJson) {
        Response r = execute(SdkHttpMethod.PUT, bucket, key, versionId,
                metadataJson.getBytes(StandardCharsets.UTF_8));
        r.throwIfError();
        try {
            JsonNode body = r.body.isBlank() ? null : JSON.readTree(r.body);
            JsonNode v = body == null ? null : body.get("versionId");
            return v == null || v.isNull() ? null : v.asText();
        } catch (IOException e) {
            throw new IllegalStateException("backbeat route answered with invalid JSON: " + abbreviate(r.body), e);
        }
    }

    private Response execute(SdkHttpMethod method, String bucket, String key, String versionId, byte[] payload) {
        byte[] body = payload == null ? new byte[0] : payload;
        String base = endpoint.toString().replaceAll("/+$", "");
        URI uri = URI.create(base + ROUTE + SdkHttpUtils.urlEncode(bucket) + "/"
                + SdkHttpUtils.urlEncodeIgnoreSlashes(key) + "?versionId="
                + SdkHttpUtils.urlEncode(versionId == null ? "null" : versionId));
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(method).uri(uri)
                .putHeader("x-amz-content-sha256", sha256Hex(body));
        if (payload != null) {
            request.putHeader("Content-Type", "application/json")
                    .putHeader("Content-Length", Integer.toString(body.length));
        }
        ContentStreamProvider content = payload == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(connection.credentials().resolveCredentials())
                .request(request.build())
                .payload(content)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, connection.config().region())
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                // S3 rules: the path is signed as sent, encoded once and not normalised
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false));
        try {
            HttpExecuteResponse response = connection.httpClient().prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            String text;
            try (InputStream in = response.responseBody().map(s -> (InputStream) s)
                    .orElseGet(() -> new ByteArrayInputStream(new byte[0]))) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Response(method + " " + uri.getRawPath(), response.httpResponse().statusCode(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri + " failed: " + e.getMessage(), e);
        }
    }

    private static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private record Response(String what, int status, String body) {
        /** Non-2xx answers become AWS service exceptions, so the one error classifier handles them. */
        void throwIfError() {
            if (status / 100 == 2) {
                return;
            }
            String code = errorCode(body);
            throw AwsServiceException.builder()
                    .statusCode(status)
                    .message(what + " answered HTTP " + status + ": " + abbreviate(body))
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(abbreviate(body))
                            .serviceName("CloudServer").build())
                    .build();
        }

        private static String errorCode(String body) {
            // CloudServer errors are XML (<Code>..</Code>) or JSON ({"code": ..}) depending on the route
            int i = body.indexOf("<Code>");
            int j = body.indexOf("</Code>");
            if (i >= 0 && j > i) {
                return body.substring(i + 6, j);
            }
            try {
                JsonNode n = JSON.readTree(body);
                for (String f : new String[] {"code", "Code", "errorType"}) {
                    if (n != null && n.hasNonNull(f)) {
                        return n.get(f).asText();
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // not JSON either: no code, the HTTP status decides
            }
            return "";
        }
    }
}
