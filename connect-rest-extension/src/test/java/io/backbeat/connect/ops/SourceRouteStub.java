package io.backbeat.connect.ops;

import com.sun.net.httpserver.HttpServer;
import io.backbeat.connect.model.VersionIds;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The source site's CloudServer backbeat metadata route ({@code GET /_/backbeat/metadata/<bucket>/<key>?versionId=})
 * reduced to a map of versions, for the extension's own tests (the full source-site emulator lives in the
 * sandbox). Requests are not authenticated.
 */
final class SourceRouteStub implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, String> versions = new ConcurrentHashMap<>();

    SourceRouteStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/_/backbeat/metadata/", exchange -> {
            String path = exchange.getRequestURI().getRawPath().substring("/_/backbeat/metadata/".length());
            int slash = path.indexOf('/');
            String bucket = decode(path.substring(0, slash));
            String key = decode(path.substring(slash + 1));
            String query = exchange.getRequestURI().getRawQuery();
            String versionId = query == null ? "null" : decode(query.replaceFirst("^versionId=", ""));
            String md = versions.get(id(bucket, key, versionId));
            byte[] body = md == null ? "{\"code\":\"NoSuchKey\"}".getBytes(StandardCharsets.UTF_8)
                    : Json.write(Map.of("Body", md)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(md == null ? 404 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds a version; returns its external version id. */
    String put(String bucket, String key, String internalVersionId, long size, String... sites) {
        StringBuilder backends = new StringBuilder();
        for (String s : sites) {
            backends.append(backends.length() == 0 ? "" : ",")
                    .append("{\"site\":\"").append(s).append("\",\"status\":\"FAILED\",\"dataStoreVersionId\":\"\"}");
        }
        String md = "{\"key\":\"" + key + "\",\"versionId\":\"" + internalVersionId + "\",\"content-length\":" + size
                + ",\"last-modified\":\"2024-05-01T10:00:00.000Z\",\"content-md5\":\"d41d8cd98f00b204e9800998ecf8427e\""
                + ",\"replicationInfo\":{\"status\":\"FAILED\",\"backends\":[" + backends + "],"
                + "\"content\":[\"DATA\",\"METADATA\"],\"destination\":\"arn:aws:s3:::dst\",\"storageClass\":\""
                + String.join(",", sites) + "\",\"role\":\"arn:aws:iam::000000000000:role/crr\",\"storageType\":\"\","
                + "\"dataStoreVersionId\":\"\"}}";
        String external = VersionIds.encode(internalVersionId);
        versions.put(id(bucket, key, external), md);
        return external;
    }

    /** Replaces a version's metadata document with {@code raw}, as found in the metadata store. */
    void corrupt(String bucket, String key, String externalVersionId, String raw) {
        versions.put(id(bucket, key, externalVersionId), raw);
    }

    void remove(String bucket, String key, String externalVersionId) {
        versions.remove(id(bucket, key, externalVersionId));
    }

    private static String id(String bucket, String key, String versionId) {
        return bucket + "\u0000" + key + "\u0000" + versionId;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
