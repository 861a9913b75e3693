package io.backbeat.connect.sandbox.sourcesite;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an operation answers: status, headers and an optional body (bytes or a stream of known length). */
final class S3Response {

    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body;
    InputStream stream;
    long streamLength = -1;

    private S3Response(int status) {
        this.status = status;
    }

    static S3Response status(int status) {
        return new S3Response(status);
    }

    static S3Response ok() {
        return new S3Response(200);
    }

    static S3Response noContent() {
        return new S3Response(204);
    }

    static S3Response xml(String xml) {
        S3Response r = new S3Response(200);
        r.body = xml.getBytes(StandardCharsets.UTF_8);
        r.headers.put("Content-Type", "application/xml");
        return r;
    }

    static S3Response json(String json) {
        S3Response r = new S3Response(200);
        r.body = json.getBytes(StandardCharsets.UTF_8);
        r.headers.put("Content-Type", "application/json");
        return r;
    }

    static S3Response stream(int status, InputStream data, long length) {
        S3Response r = new S3Response(status);
        r.stream = data;
        r.streamLength = length;
        return r;
    }

    S3Response header(String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
        return this;
    }
}
