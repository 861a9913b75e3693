package io.backbeat.connect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sink.failed.FailedEntryStore;
import io.backbeat.connect.sink.metrics.ReplicationSinkMetrics;
import io.backbeat.connect.sink.metrics.ReplicationStats;
import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.kafka.ConnectCluster;
import io.backbeat.connect.testbed.redis.RedisServer;
import io.backbeat.connect.testbed.s3.S3Endpoint;
import io.backbeat.connect.testbed.s3.S3TestServer;

import redis.clients.jedis.RedisClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The connector in a real distributed Connect worker: log entries in, objects copied, status events out,
 * failures in Redis and the DLQ, offsets committed. S3Mock plays the source (metadata from the entries)
 * and the destination; the source-site emulator end-to-end tests live in the sandbox module.
 */
class S3ReplicationSinkConnectorTest {

    private static final String LOG_TOPIC = LogEntry.TOPIC;
    private static final String STATUS_TOPIC = StatusEvent.TOPIC;
    private static final String DLQ = "crr-siteA-dlq";
    private static final String CONNECTOR = "crr-siteA";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static S3TestServer s3;
    private static S3Client client;
    private static RedisServer redis;
    private static ConnectCluster connect;
    private static final JsonConverter JSON = new JsonConverter();

    @BeforeAll
    static void start() {
        s3 = S3TestServer.start("src", "dst");
        s3.createBucket("dst-plain", false);
        client = s3.newClient();
        redis = RedisServer.start();
        connect = ConnectCluster.builder().workers(1).start();
        connect.createTopic(LOG_TOPIC, 2);
        connect.createTopic(STATUS_TOPIC, 2);
        JSON.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    static Map<String, String> connectorConfig() {
        S3Endpoint e = s3.endpoint();
        Map<String, String> c = new HashMap<>();
        c.put("name", CONNECTOR);
        c.put("connector.class", S3ReplicationSinkConnector.class.getName());
        c.put("tasks.max", "1");
        c.put("topics", LOG_TOPIC);
        c.put(S3ReplicationSinkConfig.SITE, "siteA");
        for (String side : List.of("source.s3.", "destination.s3.")) {
            c.put(side + "endpoint", e.endpoint().toString());
            c.put(side + "region", e.region());
            c.put(side + "access.key.id", e.accessKey());
            c.put(side + "secret.access.key", e.secretKey());
        }
        c.put(S3ReplicationSinkConfig.METADATA_READER, "entry");
        c.put(S3ReplicationSinkConfig.MULTIPART_THRESHOLD, Long.toString(5 * 1024 * 1024));
        c.put(S3ReplicationSinkConfig.PART_SIZE, Long.toString(5 * 1024 * 1024));
        c.put(S3ReplicationSinkConfig.REDIS_URI, redis.uri());
        c.put("status.kafka.bootstrap.servers", connect.bootstrapServers());
        c.put("retry.max.retries", "1");
        c.put("retry.backoff.min.ms", "10");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", DLQ);
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        return c;
    }

    static void produceEntry(String key, String versionId, ObjectMetadata md) {
        LogEntry entry = LogEntry.object(LogEntry.Type.PUT, "src", key, versionId,
                "\u007fV" + key + "\u0000" + versionId, md.toJson(), System.currentTimeMillis());
        byte[] value = JSON.fromConnectData(LOG_TOPIC, LogEntry.SCHEMA, entry.toStruct());
        connect.produce(LOG_TOPIC, entry.kafkaKey(), new String(value, StandardCharsets.UTF_8));
    }

    static ObjectMetadata sourceObject(String key, byte[] data, String destinationBucket) {
        return ObjectMetadata.parse("{}")
                .withField("key", key)
                .withField("content-length", data.length)
                .withField("content-type", "application/octet-stream")
                .withField("x-amz-meta-origin", "it")
                .withReplicationInfo(ReplicationInfo.pending(List.of("siteA"), List.of("DATA", "METADATA"),
                        "arn:aws:s3:::" + destinationBucket, "", ""));
    }

    static List<StatusEvent> statusEvents(int count) {
        return connect.consume(count, WAIT, STATUS_TOPIC).stream()
                .map(r -> StatusEvent.fromValue(JSON.toConnectData(STATUS_TOPIC, r.value()).value()))
                .toList();
    }

    @Test
    void replicatesEntriesPublishesStatusRecordsFailuresAndCommits() throws Exception {
        byte[] small = "small object".getBytes(StandardCharsets.UTF_8);
        byte[] big = new byte[11 * 1024 * 1024 + 7];
        new Random(7).nextBytes(big);
        String v1 = client.putObject(p -> p.bucket("src").key("a/small"), RequestBody.fromBytes(small)).versionId();
        String v2 = client.putObject(p -> p.bucket("src").key("b/big"), RequestBody.fromBytes(big)).versionId();
        String v3 = client.putObject(p -> p.bucket("src").key("c/unversioned"), RequestBody.fromBytes(small))
                .versionId();

        Map<String, String> config = connectorConfig();
        // records the SMT chain drops never reach the task; their offsets must be committed all the same
        config.put("transforms", "dropTombstones");
        config.put("transforms.dropTombstones.type", "org.apache.kafka.connect.transforms.Filter");
        config.put("transforms.dropTombstones.predicate", "isTombstone");
        config.put("predicates", "isTombstone");
        config.put("predicates.isTombstone.type", "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone");
        connect.configureConnector(CONNECTOR, config);
        connect.awaitRunning(CONNECTOR, 1, WAIT);
        produceEntry("a/small", v1, sourceObject("a/small", small, "dst"));
        produceEntry("b/big", v2, sourceObject("b/big", big, "dst"));
        produceEntry("c/unversioned", v3, sourceObject("c/unversioned", small, "dst-plain"));
        for (String key : List.of("src/filtered-1", "src/filtered-2", "src/filtered-3", "src/filtered-4")) {
            connect.produce(LOG_TOPIC, key, null);
        }

        Map<String, StatusEvent> byKey = statusEvents(3).stream()
                .collect(Collectors.toMap(StatusEvent::objectKey, e -> e));
        assertEquals(ReplicationStatus.COMPLETED, byKey.get("a/small").status());
        assertEquals(ReplicationStatus.COMPLETED, byKey.get("b/big").status());
        assertEquals((long) big.length, byKey.get("b/big").contentLength());
        StatusEvent failed = byKey.get("c/unversioned");
        assertEquals(ReplicationStatus.FAILED, failed.status());
        assertEquals("DstBucketUnversioned", failed.reason());

        String bigCopy = byKey.get("b/big").destinationVersionId();
        byte[] copied = client.getObjectAsBytes(g -> g.bucket("dst").key("b/big").versionId(bigCopy)).asByteArray();
        assertTrue(java.util.Arrays.equals(big, copied), "multipart copy is byte-identical");
        assertEquals("REPLICA", client.headObject(h -> h.bucket("dst").key("a/small")
                .versionId(byKey.get("a/small").destinationVersionId())).metadata().get("scal-replication-status"));

        try (RedisClient r = RedisClient.create(URI.create(redis.uri()))) {
            String key = "bb:crr:failed:siteA:" + FailedEntryStore.hourOf(System.currentTimeMillis());
            Await.until(WAIT, "failed entry in Redis", () -> r.zscore(key, "src:c/unversioned:" + v3) != null
                    || r.zscore("bb:crr:failed:siteA:" + FailedEntryStore.hourOf(System.currentTimeMillis()
                    - 3_600_000L), "src:c/unversioned:" + v3) != null);
        }
        List<ConsumerRecord<byte[], byte[]>> dead = connect.consume(1, WAIT, DLQ);
        assertEquals("src/c/unversioned", new String(dead.get(0).key(), StandardCharsets.UTF_8));

        // every record done -> the consumer group commits up to the end of the log
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                connect.bootstrapServers()))) {
            Await.until(WAIT, "offsets of all 3 entries and the 4 filtered records committed", () -> {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("connect-" + CONNECTOR)
                        .partitionsToOffsetAndMetadata().get();
                return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum() == 7;
            });
        }

        // the task's JMX metrics (stable names) and Backbeat's Redis counters read by the ops API
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = ReplicationSinkMetrics.objectName("siteA", CONNECTOR, "0");
        Await.until(WAIT, "completions counted", () -> Long.valueOf(2).equals(jmx.getAttribute(name, "OpsReplicated"))
                && Long.valueOf(1).equals(jmx.getAttribute(name, "OpsFailed")));
        assertEquals((long) small.length + big.length, jmx.getAttribute(name, "BytesReplicated"));
        assertEquals(0L, jmx.getAttribute(name, "InFlightEntries"));
        try (RedisClient r = RedisClient.create(URI.create(redis.uri()))) {
            ReplicationStats stats = new ReplicationStats(r);
            long now = System.currentTimeMillis();
            assertEquals(2, java.util.Arrays.stream(stats.buckets(ReplicationStats.siteId("siteA",
                    ReplicationStats.OPS_DONE), now)).sum());
            assertEquals((long) small.length + big.length, java.util.Arrays.stream(stats.buckets(
                    ReplicationStats.siteId("siteA", ReplicationStats.BYTES_DONE), now)).sum());
            assertEquals(1, java.util.Arrays.stream(stats.buckets(ReplicationStats.siteId("siteA",
                    ReplicationStats.OPS_FAIL), now)).sum());
            assertEquals((long) big.length, java.util.Arrays.stream(stats.buckets(ReplicationStats.objectId("siteA",
                    "src", "b/big", v2, ReplicationStats.OBJECT_BYTES_DONE), now)).sum(), "per-part progress");
        }
        connect.deleteConnector(CONNECTOR);
    }

    @Test
    void validationNamesTheKeyToFix() {
        Map<String, String> unversioned = connectorConfig();
        unversioned.put(S3ReplicationSinkConfig.DESTINATION_BUCKET, "dst-plain");
        assertEquals(List.of("destination bucket dst-plain at " + s3.endpoint().endpoint()
                        + " does not have versioning enabled (status: never enabled); replication needs a versioned "
                        + "bucket"), errors(unversioned, S3ReplicationSinkConfig.DESTINATION_BUCKET));

        Map<String, String> missing = connectorConfig();
        missing.put(S3ReplicationSinkConfig.DESTINATION_BUCKET, "no-such-bucket");
        assertEquals(List.of("destination bucket no-such-bucket does not exist at " + s3.endpoint().endpoint()),
                errors(missing, S3ReplicationSinkConfig.DESTINATION_BUCKET));

        Map<String, String> ok = connectorConfig();
        ok.put(S3ReplicationSinkConfig.DESTINATION_BUCKET, "dst");
        ConfigInfos valid = connect.embedded().validateConnectorConfig(
                S3ReplicationSinkConnector.class.getSimpleName(), ok);
        assertEquals(0, valid.errorCount(), () -> valid.configs().stream().map(ConfigInfo::configValue)
                .filter(v -> !v.errors().isEmpty()).map(v -> v.name() + ": " + v.errors()).toList().toString());

        Map<String, String> noSite = connectorConfig();
        noSite.remove(S3ReplicationSinkConfig.SITE);
        assertEquals(1, errors(noSite, S3ReplicationSinkConfig.SITE).size());

        // a threshold above S3's single-PUT limit would send PUTs every S3 refuses
        Map<String, String> beyondPut = connectorConfig();
        beyondPut.put(S3ReplicationSinkConfig.MULTIPART_THRESHOLD, Long.toString(6L * 1024 * 1024 * 1024));
        List<String> thresholdErrors = errors(beyondPut, S3ReplicationSinkConfig.MULTIPART_THRESHOLD);
        assertEquals(1, thresholdErrors.size(), thresholdErrors::toString);
        assertTrue(thresholdErrors.get(0).contains("5368709120"), thresholdErrors.get(0));
    }

    private static List<String> errors(Map<String, String> config, String key) {
        ConfigInfos infos = connect.embedded().validateConnectorConfig(
                S3ReplicationSinkConnector.class.getSimpleName(), config);
        return infos.configs().stream().map(ConfigInfo::configValue).filter(v -> v.name().equals(key))
                .findFirst().orElseThrow().errors();
    }
}
