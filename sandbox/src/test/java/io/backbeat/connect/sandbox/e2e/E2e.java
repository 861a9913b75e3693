package io.backbeat.connect.sandbox.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.sandbox.ConnectorConfigFile;
import io.backbeat.connect.sandbox.SandboxStack;
import io.backbeat.connect.sandbox.SharedSandbox;
import io.backbeat.connect.testbed.Await;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What both end-to-end classes do with the shared sandbox: REST calls, connector files, replica look-ups. */
final class E2e {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private E2e() {
    }

    /** An answer of the worker's REST API: status code and parsed body (null node when empty or not JSON). */
    record Answer(int status, String text, JsonNode body) {
        Answer requireOk(String what) {
            if (status / 100 != 2) {
                throw new AssertionError(what + " answered " + status + ": " + text);
            }
            return this;
        }
    }

    /** A call to the Connect REST port of a live worker (Connect routes and the ops extension's /_/ routes). */
    static Answer call(SandboxStack stack, String method, String path, String body) {
        URI uri = stack.rest().base().resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode parsed;
            try {
                parsed = r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
            } catch (IOException notJson) {
                parsed = JSON.nullNode();
            }
            return new Answer(r.statusCode(), r.body(), parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode ok(SandboxStack stack, String method, String path, String body) {
        return call(stack, method, path, body).requireOk(method + " " + path).body();
    }

    /** A file of connector-configs/, with some settings changed (as a user edits the file before posting it). */
    static ConnectorConfigFile configFile(String file, Map<String, String> changes) {
        Path path = SharedSandbox.projectRoot().resolve("connector-configs").resolve(file);
        ConnectorConfigFile read = ConnectorConfigFile.read(path);
        Map<String, String> config = new LinkedHashMap<>(read.config());
        config.putAll(changes);
        return new ConnectorConfigFile(path, read.name(), config);
    }

    /** The latest replica at a site of the given source version (by its scal-version-id mark), or null. */
    static HeadObjectResponse replica(S3Client site, String bucket, String key, String sourceVersionId) {
        try {
            HeadObjectResponse head = site.headObject(b -> b.bucket(bucket).key(key));
            return sourceVersionId.equals(head.metadata().get("scal-version-id")) ? head : null;
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    static ReplicationStatus sourceStatus(S3Client source, String bucket, String key, String versionId) {
        String s = source.headObject(b -> b.bucket(bucket).key(key).versionId(versionId)).replicationStatusAsString();
        return s == null ? null : ReplicationStatus.parse(s);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
