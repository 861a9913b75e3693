package io.backbeat.connect.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.model.VersionIds;
import io.backbeat.connect.ops.pause.ResumeSchedule;
import io.backbeat.connect.sink.failed.FailedEntry;
import io.backbeat.connect.sink.failed.FailedEntryStore;
import io.backbeat.connect.sink.metrics.ReplicationStats;
import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.redis.RedisServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ops API in two real distributed Connect workers, behind Kafka's basic-auth REST extension, with a real
 * redis-server. Two "site" connectors consume the real metadata-log topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsApiIntegrationTest {

    private static final String AUTH = "Basic " + Base64.getEncoder()
            .encodeToString("ops:ops-secret".getBytes(StandardCharsets.UTF_8));
    private static final String LOG_TOPIC = "backbeat-metadata-log";
    private static final String STATUS_TOPIC = "backbeat-replication-status";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private RedisServer redisServer;
    private RedisClient redis;
    private SourceRouteStub source;
    private EmbeddedConnectCluster connect;
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonConverter json = new JsonConverter();

    @BeforeAll
    void start() throws Exception {
        json.configure(Map.of("schemas.enable", "true"), false);
        redisServer = RedisServer.start();
        redis = RedisClient.create(URI.create(redisServer.uri()));
        source = new SourceRouteStub();
        Map<String, String> w = new HashMap<>();
        w.put("plugin.discovery", "service_load");
        w.put("offset.flush.interval.ms", "300");
        w.put("scheduled.rebalance.max.delay.ms", "3000");
        w.put("rest.extension.classes", HealthExemptBasicAuthExtension.class.getName() + ","
                + BackbeatOpsRestExtension.class.getName());
        w.put(OpsConfig.REDIS_URI, redisServer.uri());
        w.put(OpsConfig.SITE_CONNECTOR_CLASSES, SiteTestSinkConnector.class.getName());
        w.put(OpsConfig.RESUME_HOUR_MS, "1500");
        w.put(OpsConfig.RESUME_POLL_INTERVAL_MS, "200");
        w.put(OpsConfig.CONNECT_USERNAME, "ops");
        w.put(OpsConfig.CONNECT_PASSWORD, "ops-secret");
        w.put(OpsConfig.REQUEST_TIMEOUT_MS, "10000");
        w.put(OpsConfig.SOURCE_S3_PREFIX + "endpoint", source.endpoint().toString());
        w.put(OpsConfig.SOURCE_S3_PREFIX + "access.key.id", "AK");
        w.put(OpsConfig.SOURCE_S3_PREFIX + "secret.access.key", "SK");
        w.put(OpsConfig.VALUE_CONVERTER + ".schemas.enable", "true");
        connect = new EmbeddedConnectCluster.Builder().name("ops-it").numWorkers(2).workerProps(w)
                .maskExitProcedures(true).build();
        connect.start();
        for (WorkerHandle worker : connect.workers()) {
            URI url = URI.create(worker.url().toString());
            Await.until(WAIT, "worker " + url + " to serve authenticated REST",
                    () -> send("GET", url.resolve("connectors"), null, AUTH).statusCode() == 200);
        }
        connect.kafka().createTopic(LOG_TOPIC, 2);
        connect.kafka().createTopic(STATUS_TOPIC, 1);
        for (String site : List.of("site-a", "site-b")) {
            Map<String, String> config = Map.of("connector.class", SiteTestSinkConnector.class.getName(),
                    "tasks.max", "1", "topics", LOG_TOPIC, "site", site);
            HttpResponse<String> r = send("PUT", base().resolve("connectors/crr-" + site + "/config"),
                    Json.write(config), AUTH);
            assertTrue(r.statusCode() / 100 == 2, r.body());
            awaitState("crr-" + site, "RUNNING");
        }
    }

    @AfterAll
    void stop() {
        if (connect != null) {
            connect.stop();
        }
        if (source != null) {
            source.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    @Test
    void requestsWithoutValidCredentialsAreRefused() throws Exception {
        assertEquals(401, send("GET", base().resolve("_/crr/status"), null, null).statusCode());
        String wrong = "Basic " + Base64.getEncoder().encodeToString("ops:nope".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, send("POST", base().resolve("_/crr/pause/site-a"), "", wrong).statusCode());
        assertEquals("enabled", awaitState("crr-site-a", "RUNNING"));

        HttpResponse<String> ok = send("GET", base().resolve("_/crr/status"), null, AUTH);
        assertEquals(200, ok.statusCode(), ok.body());
        JsonNode body = Json.mapper().readTree(ok.body());
        assertEquals("enabled", body.path("site-b").asText(), ok.body());
    }

    @Test
    void badInputGetsA4xxWithAMessage() throws Exception {
        assertError(send("GET", base().resolve("_/crr/status/nowhere"), null, AUTH), 404, "unknown site 'nowhere'");
        assertError(send("POST", base().resolve("_/crr/pause/nowhere"), "", AUTH), 404, "unknown site");
        assertError(send("POST", base().resolve("_/crr/failed"), "{not json", AUTH), 400, "not well-formed");
        assertError(send("POST", base().resolve("_/crr/failed"), "{\"Bucket\":\"b\"}", AUTH), 400, "non-empty array");
        assertError(send("POST", base().resolve("_/crr/failed"),
                "[{\"Bucket\":\"b\",\"Key\":\"k\",\"StorageClass\":\"mars\"}]", AUTH), 400, "unknown site");
        assertError(send("POST", base().resolve("_/crr/failed"), "[{\"Bucket\":\"b\",\"Key\":\"\",\"StorageClass\":\"site-a\"}]",
                AUTH), 400, "Key must be a non-empty string");
        assertError(send("GET", base().resolve("_/crr/failed?sitename=site-a&maxKeys=100000"), null, AUTH), 400,
                "maxKeys must be between 1 and 100");
        assertError(send("GET", base().resolve("_/crr/failed?sitename=site-a&marker=abc"), null, AUTH), 400,
                "marker must be a number");
        assertError(send("GET", base().resolve("_/crr/failed"), null, AUTH), 400, "sitename");
        assertError(send("POST", base().resolve("_/crr/resume/site-a/schedule"), "{\"hours\": -3}", AUTH), 400,
                "hours must be an integer");
        assertError(send("POST", base().resolve("_/crr/resume/site-a/schedule"), "{\"hours\": \"soon\"}", AUTH), 400,
                "hours must be an integer");
        assertError(send("GET", base().resolve("_/metrics/crr/site-a/velocity"), null, AUTH), 404, "unknown metric type");
        assertError(send("GET", base().resolve("_/metrics/crr/pluto/all"), null, AUTH), 404, "unknown site");
    }

    @Test
    void pausedSiteLetsEntriesWaitAndResumeDrainsThem() throws Exception {
        post("_/crr/pause/site-a", "");
        awaitState("crr-site-a", "PAUSED");
        assertEquals("disabled", getJson("_/crr/status/site-a").path("site-a").asText());

        long now = System.currentTimeMillis();
        produce(entry("pbucket", "p1", 100, now, "site-a"));
        produce(entry("pbucket", "p2", 250, now + 1, "site-a", "site-b"));
        produce(entry("pbucket", "p3", 50, now + 2, "site-a"));
        produce(entry("pbucket", "p4", 999, now + 3, "site-b"));

        Await.until(WAIT, "3 entries (400 bytes) pending for site-a", () -> {
            JsonNode r = getJson("_/metrics/crr/site-a/pending").path("pending").path("results");
            return r.path("count").asLong() == 3 && r.path("size").asLong() == 400;
        }, () -> getText("_/metrics/crr/site-a/pending"));
        // site-b keeps running: its entries are consumed and committed
        Await.until(WAIT, "nothing pending for the running site-b",
                () -> getJson("_/metrics/crr/site-b/pending").path("pending").path("results").path("count").asLong() == 0,
                () -> getText("_/metrics/crr/site-b/pending"));

        post("_/crr/resume/site-a", "");
        awaitState("crr-site-a", "RUNNING");
        assertEquals("enabled", getJson("_/crr/status/site-a").path("site-a").asText());
        Await.until(WAIT, "site-a's waiting entries to be consumed after resume",
                () -> getJson("_/metrics/crr/site-a/pending").path("pending").path("results").path("count").asLong() == 0,
                () -> getText("_/metrics/crr/site-a/pending"));
        // the backlog is what is pending plus what failed (other tests may have left failures for site-a)
        JsonNode all = getJson("_/metrics/crr/site-a/all");
        assertEquals(all.path("failures").path("results").path("count").asLong(),
                all.path("backlog").path("results").path("count").asLong(), all.toString());
    }

    @Test
    void scheduledResumeFiresOnceAcrossWorkersAndCanBeCancelled() throws Exception {
        post("_/crr/pause/site-b", "");
        awaitState("crr-site-b", "PAUSED");

        // cancel: a deleted schedule never fires
        post("_/crr/resume/site-b/schedule", "{\"hours\": 100}");
        assertFalse(getJson("_/crr/resume/site-b").path("site-b").asText().equals("none"));
        assertEquals(200, send("DELETE", base().resolve("_/crr/resume/site-b"), null, AUTH).statusCode());
        assertEquals("none", getJson("_/crr/resume/site-b").path("site-b").asText());

        redis.del(ResumeSchedule.HISTORY_KEY);
        post("_/crr/resume/site-b/schedule", "{\"hours\": 1}"); // one test "hour" = 1.5 s
        String due = getJson("_/crr/resume/site-b").path("site-b").asText();
        assertTrue(due.matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), due);
        awaitState("crr-site-b", "RUNNING");
        assertEquals("none", getJson("_/crr/resume/site-b").path("site-b").asText());
        // both workers keep polling every 200 ms; give them several rounds to (wrongly) fire a second time
        Thread.sleep(1000);
        List<String> history = redis.lrange(ResumeSchedule.HISTORY_KEY, 0, -1);
        assertEquals(1, history.size(), history.toString());
        assertTrue(history.get(0).contains("\"site\":\"site-b\"") && history.get(0).contains("resumed"), history.get(0));
    }

    @Test
    void failedEntriesArePagedNewestFirstAndRetriedThroughKafka() throws Exception {
        FailedEntryStore store = new FailedEntryStore(redis, FailedEntryStore.DEFAULT_PREFIX);
        long now = System.currentTimeMillis();
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < 205; i++) {
            String internal = VersionIds.generate(now - 10_000 - i, 0, "RG001  ");
            String external = source.put("fbucket", "dir/obj-" + i, internal, 1000 + i, "site-a", "site-b");
            versions.add(external);
            store.add(new FailedEntry("site-a", "fbucket", "dir/obj-" + i, external, now - i * 1000L));
        }
        source.remove("fbucket", "dir/obj-7", versions.get(7)); // gone from the source: not listed
        // unreadable at the source: listed without size and date, with the reason; the others are unaffected
        source.corrupt("fbucket", "dir/obj-9", versions.get(9), "{\"content-length\":\"many\"}");

        List<String> listed = new ArrayList<>();
        String marker = "";
        int pages = 0;
        while (true) {
            JsonNode page = getJson("_/crr/failed?sitename=site-a" + (marker.isEmpty() ? "" : "&marker=" + marker));
            pages++;
            page.path("Versions").forEach(v -> listed.add(v.path("Key").asText()));
            if (!page.path("IsTruncated").asBoolean()) {
                break;
            }
            marker = page.path("NextMarker").asText();
            assertTrue(pages < 5, "too many pages");
        }
        assertEquals(3, pages);
        assertEquals(204, listed.size());
        assertEquals("dir/obj-0", listed.get(0));
        assertEquals("dir/obj-204", listed.get(203));
        assertFalse(listed.contains("dir/obj-7"));
        JsonNode first = getJson("_/crr/failed?sitename=site-a&maxKeys=1").path("Versions").get(0);
        assertEquals(versions.get(0), first.path("VersionId").asText());
        assertEquals("site-a", first.path("StorageClass").asText());
        assertEquals(1000, first.path("Size").asLong());
        assertEquals("2024-05-01T10:00:00Z", first.path("LastModified").asText());
        JsonNode unreadable = getJson("_/crr/failed/fbucket/dir/obj-9?versionId=" + versions.get(9))
                .path("Versions").get(0);
        assertEquals("dir/obj-9", unreadable.path("Key").asText(), unreadable.toString());
        assertTrue(unreadable.path("Size").isMissingNode(), unreadable.toString());
        assertTrue(unreadable.path("Error").asText().contains("dir/obj-9"), unreadable.toString());

        JsonNode one = getJson("_/crr/failed/fbucket/dir/obj-3?versionId=" + versions.get(3));
        assertEquals(1, one.path("Versions").size(), one.toString());
        assertEquals("dir/obj-3", one.path("Versions").get(0).path("Key").asText());

        String retryBody = Json.write(List.of(
                Map.of("Bucket", "fbucket", "Key", "dir/obj-3", "VersionId", versions.get(3), "StorageClass", "site-a"),
                Map.of("Bucket", "fbucket", "Key", "dir/obj-9", "VersionId", versions.get(9), "StorageClass", "site-a"),
                Map.of("Bucket", "fbucket", "Key", "dir/obj-7", "VersionId", versions.get(7), "StorageClass", "site-a")));
        HttpResponse<String> retried = send("POST", base().resolve("_/crr/failed"), retryBody, AUTH);
        assertEquals(200, retried.statusCode(), retried.body());
        JsonNode items = Json.mapper().readTree(retried.body());
        // obj-9's metadata is unparsable: not retried, still failed; obj-7 is gone: dropped, not retried
        assertEquals(1, items.size(), retried.body());
        assertTrue(store.find("site-a", "fbucket", "dir/obj-9", versions.get(9), now).isPresent());
        assertEquals("PENDING", items.get(0).path("ReplicationStatus").asText());
        assertEquals(1003, items.get(0).path("Size").asLong());
        assertTrue(store.find("site-a", "fbucket", "dir/obj-3", versions.get(3), now).isEmpty());
        assertTrue(store.find("site-a", "fbucket", "dir/obj-7", versions.get(7), now).isEmpty());

        StatusEvent pending = null;
        for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(WAIT.toMillis(), STATUS_TOPIC)) {
            StatusEvent e = StatusEvent.fromValue(json.toConnectData(STATUS_TOPIC, r.value()).value());
            if (e.objectKey().equals("dir/obj-3")) {
                pending = e;
                assertEquals("fbucket/dir/obj-3", new String(r.key(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(ReplicationStatus.PENDING, pending.status());
        assertEquals("site-a", pending.site());
        assertEquals(versions.get(3), pending.versionId());

        LogEntry republished = null;
        for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(WAIT.toMillis(), LOG_TOPIC)) {
            LogEntry e = LogEntry.fromValue(json.toConnectData(LOG_TOPIC, r.value()).value());
            if ("dir/obj-3".equals(e.objectKey())) {
                republished = e;
            }
        }
        assertEquals(versions.get(3), republished.versionId());
        var info = republished.objectMetadata().replicationInfo();
        assertEquals(ReplicationStatus.PENDING, info.status());
        assertEquals(1, info.backends().size());
        assertEquals("site-a", info.backends().get(0).site());
        assertEquals(ReplicationStatus.PENDING, info.backends().get(0).status());
        assertEquals("site-a", info.storageClass());

        JsonNode failures = getJson("_/metrics/crr/site-a/failures").path("failures").path("results");
        assertEquals(203, failures.path("count").asLong(), failures.toString());
    }

    @Test
    void metricsReportWhatTheSinksRecorded() throws Exception {
        ReplicationStats stats = new ReplicationStats(redis);
        long now = System.currentTimeMillis();
        stats.recordDone("site-a", 1000, now);
        stats.recordDone("site-a", 500, now);
        stats.recordDone("site-b", 250, now);
        stats.recordFailed("site-b", 70, now);
        stats.recordObjectStarted("site-a", "big", "movie.mp4", "v1", 400, now);
        stats.recordObjectBytes("site-a", "big", "movie.mp4", "v1", 100, now);

        JsonNode a = getJson("_/metrics/crr/site-a/completions").path("completions").path("results");
        assertEquals(2, a.path("count").asLong());
        assertEquals(1500, a.path("size").asLong());
        JsonNode all = getJson("_/metrics/crr/all");
        assertEquals(3, all.path("completions").path("results").path("count").asLong(), all.toString());
        assertEquals(1750, all.path("completions").path("results").path("size").asLong());
        assertTrue(all.has("backlog") && all.has("failures") && all.has("throughput") && all.has("pending"), all.toString());
        // 3 operations in the 15-minute window: 3/900 ops/s
        assertEquals("0.00", all.path("throughput").path("results").path("count").asText());
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f", 1750 / 900.0),
                all.path("throughput").path("results").path("size").asText());
        JsonNode progress = getJson("_/metrics/crr/site-a/progress/big/movie.mp4?versionId=v1");
        assertEquals("25%", progress.path("progress").asText(), progress.toString());
        assertEquals(300, progress.path("pending").asLong());
        assertEquals(100, progress.path("completed").asLong());
    }

    @Test
    void healthcheckReportsBrokersTopicsConnectorsAndRedis() throws Exception {
        HttpResponse<String> r = send("GET", base().resolve("_/healthcheck"), null, AUTH);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = Json.mapper().readTree(r.body());
        JsonNode partitions = body.path("topics").path(LOG_TOPIC).path("partitions");
        assertEquals(2, partitions.size(), r.body());
        assertEquals(1, partitions.get(0).path("isrs").size());
        JsonNode conn = body.path("internalConnections");
        assertEquals("ok", conn.path("isrHealth").asText());
        assertEquals("ok", conn.path("kafka").path("status").asText());
        assertEquals("ok", conn.path("redis").path("status").asText());
        assertTrue(conn.path("connectors").path("details").has("crr-site-a"), r.body());
    }

    // ---- helpers

    private static LogEntry entry(String bucket, String key, long size, long ms, String... pendingSites) {
        String internal = VersionIds.generate(ms, 0, "RG001  ");
        StringBuilder backends = new StringBuilder();
        for (String s : pendingSites) {
            backends.append(backends.length() == 0 ? "" : ",")
                    .append("{\"site\":\"").append(s).append("\",\"status\":\"PENDING\",\"dataStoreVersionId\":\"\"}");
        }
        String md = "{\"key\":\"" + key + "\",\"versionId\":\"" + internal + "\",\"content-length\":" + size
                + ",\"replicationInfo\":{\"status\":\"PENDING\",\"backends\":[" + backends + "],"
                + "\"content\":[\"DATA\",\"METADATA\"],\"destination\":\"arn:aws:s3:::dst\",\"storageClass\":\""
                + String.join(",", pendingSites) + "\",\"role\":\"r\",\"storageType\":\"\",\"dataStoreVersionId\":\"\"}}";
        return LogEntry.object(LogEntry.Type.PUT, bucket, key, VersionIds.encode(internal),
                key + "\u0000" + internal, md, ms);
    }

    private void produce(LogEntry e) {
        byte[] value = json.fromConnectData(LOG_TOPIC, LogEntry.SCHEMA, e.toStruct());
        connect.kafka().produce(LOG_TOPIC, e.kafkaKey(), new String(value, StandardCharsets.UTF_8));
    }

    private URI base() {
        return URI.create(connect.workers().iterator().next().url().toString());
    }

    private String awaitState(String connector, String state) {
        Await.until(WAIT, connector + " to be " + state, () -> {
            HttpResponse<String> r = send("GET", base().resolve("connectors/" + connector + "/status"), null, AUTH);
            JsonNode s = Json.mapper().readTree(r.body());
            if (!state.equals(s.path("connector").path("state").asText())) {
                return false;
            }
            for (JsonNode t : s.path("tasks")) {
                if (!state.equals(t.path("state").asText())) {
                    return false;
                }
            }
            return s.path("tasks").size() == 1;
        });
        return state.equals("RUNNING") ? "enabled" : "disabled";
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> r = send("POST", base().resolve(path), body, AUTH);
        assertEquals(200, r.statusCode(), "POST " + path + ": " + r.body());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = send("GET", base().resolve(path), null, AUTH);
        assertEquals(200, r.statusCode(), "GET " + path + ": " + r.body());
        return Json.mapper().readTree(r.body());
    }

    private String getText(String path) {
        try {
            return send("GET", base().resolve(path), null, AUTH).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static void assertError(HttpResponse<String> r, int status, String messagePart) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = Json.mapper().readTree(r.body());
        assertFalse(body.path("code").asText().isEmpty(), r.body());
        assertTrue(body.path("message").asText().contains(messagePart), r.body());
    }

    private HttpResponse<String> send(String method, URI uri, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
