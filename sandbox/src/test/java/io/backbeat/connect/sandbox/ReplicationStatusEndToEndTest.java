package io.backbeat.connect.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;

import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationBackend;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.VersionIds;
import io.backbeat.connect.testbed.Await;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The replication status write-back end to end, in the real distributed workers of the shared sandbox (bundle on
 * plugin.path): source site emulator → MongoDB stand-in → source connector → the two sites' replication sinks →
 * status topic → ReplicationStatusSinkConnector → source metadata, as {@code head-object} on the source shows it.
 * The connectors are the files of {@code connector-configs/}, as a user posts them.
 */
@ExtendWith(SharedSandbox.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationStatusEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String STATUS = "replication-status";
    private static final String STATUS_MONGODB = "replication-status-mongodb";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);

    private static SandboxStack stack;
    private static S3Client source;
    private static final Map<String, S3Client> sites = new LinkedHashMap<>();
    private static MongoClient mongo;
    private static final List<String> deployed = new ArrayList<>();

    @BeforeAll
    static void deploy(SandboxStack shared) {
        stack = shared;
        deployed.addAll(SharedSandbox.deployAlone(stack, WAIT, "metadata-log-source.json",
                "crr-site-a.json", "crr-site-b.json", "replication-status.json"));
        source = stack.newSourceClient();
        stack.sites().forEach((site, endpoint) -> sites.put(site, endpoint.newClient()));
        mongo = MongoClients.create(stack.mongo().connectionString());
    }

    @AfterAll
    static void undeploy() {
        if (stack != null) {
            for (String name : deployed) {
                try {
                    stack.rest().send("DELETE", "connectors/" + name, null);
                } catch (RuntimeException e) {
                    System.err.println("could not delete connector " + name + ": " + e.getMessage());
                }
            }
        }
        sites.values().forEach(S3Client::close);
        if (source != null) {
            source.close();
        }
        if (mongo != null) {
            mongo.close();
        }
    }

    private static String newBucket(String what, String destinationBucket) {
        String bucket = "status-" + what + "-" + RUN;
        Workload.createBucket(source, bucket, destinationBucket, List.of(SandboxStack.SITE_A, SandboxStack.SITE_B));
        return bucket;
    }

    private static String put(String bucket, String key) {
        return source.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("status of " + key)).versionId();
    }

    private static ReplicationStatus sourceStatus(String bucket, String key, String versionId) {
        HeadObjectResponse head = source.headObject(b -> b.bucket(bucket).key(key).versionId(versionId));
        return head.replicationStatusAsString() == null ? null
                : ReplicationStatus.parse(head.replicationStatusAsString());
    }

    private static void awaitSourceStatus(String bucket, String key, String versionId, ReplicationStatus expected) {
        Await.until(WAIT, bucket + "/" + key + " " + expected + " on the source",
                () -> sourceStatus(bucket, key, versionId) == expected,
                () -> "now " + sourceStatus(bucket, key, versionId) + "; " + stack.rest().describe(STATUS));
    }

    /** The replica's version id at a site, once the replica of this source version is there. */
    private static String replicaVersion(String site, String key, String sourceVersionId) {
        try {
            HeadObjectResponse head = sites.get(site).headObject(b -> b.bucket(SandboxStack.DESTINATION_BUCKET).key(key));
            return sourceVersionId.equals(head.metadata().get("scal-version-id")) ? head.versionId() : null;
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    private static Map<String, String> awaitReplicas(String key, String sourceVersionId) {
        Map<String, String> replicas = new LinkedHashMap<>();
        for (String site : sites.keySet()) {
            Await.until(WAIT, key + " replicated to " + site, () -> replicaVersion(site, key, sourceVersionId) != null);
            replicas.put(site, replicaVersion(site, key, sourceVersionId));
        }
        return replicas;
    }

    /** Every stored document holding this version (the version document, and the master when it holds it). */
    private static List<ObjectMetadata> stored(String bucket, String key, String versionId) {
        List<ObjectMetadata> docs = new ArrayList<>();
        for (Document d : mongo.getDatabase("metadata").getCollection(bucket)
                .find(Filters.and(Filters.eq("value.key", key), Filters.eq("value.versionId", VersionIds.decode(versionId))))) {
            docs.add(ObjectMetadata.parse(d.get("value", Document.class)
                    .toJson(JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build())));
        }
        return docs;
    }

    private static void pause(String connector) {
        stack.rest().send("PUT", "connectors/" + connector + "/pause", null);
        Await.until(WAIT, connector + " paused", () -> "PAUSED".equals(stack.rest().status(connector)
                .path("tasks").path(0).path("state").asText()) && "PAUSED".equals(stack.rest().status(connector)
                .path("tasks").path(1).path("state").asText()), () -> stack.rest().describe(connector));
    }

    private static void resume(String connector) {
        stack.rest().send("PUT", "connectors/" + connector + "/resume", null);
        Await.until(WAIT, connector + " running", () -> stack.rest().running(connector), () -> stack.rest().describe(connector));
    }

    private static long sinkRecords(String connector, String attribute) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        long total = 0;
        Set<ObjectName> names = jmx.queryNames(new ObjectName("kafka.connect:type=sink-task-metrics,connector="
                + connector + ",*"), null);
        for (ObjectName n : names) {
            total += ((Number) jmx.getAttribute(n, attribute)).longValue();
        }
        return total;
    }

    private static long statusMetric(String connector, String attribute) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        long total = 0;
        for (ObjectName n : jmx.queryNames(new ObjectName("io.backbeat.connect:type=replication-status-sink,connector="
                + ObjectName.quote(connector) + ",*"), null)) {
            total += ((Number) jmx.getAttribute(n, attribute)).longValue();
        }
        return total;
    }

    /** Records in the metadata log, all partitions. */
    private static long logEnd() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.connect().bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (var p : admin.describeTopics(List.of(SandboxStack.METADATA_LOG_TOPIC)).allTopicNames().get()
                    .get(SandboxStack.METADATA_LOG_TOPIC).partitions()) {
                latest.put(new TopicPartition(SandboxStack.METADATA_LOG_TOPIC, p.partition()), OffsetSpec.latest());
            }
            long sum = 0;
            for (var e : admin.listOffsets(latest).all().get().values()) {
                sum += e.offset();
            }
            return sum;
        }
    }

    /** Waits until the replication sinks read nothing new for two seconds (a replay of older entries is over). */
    private static void awaitSinksIdle() {
        long[] last = {-1};
        Await.until(WAIT, "replication sinks idle", () -> {
            long now = sinkRecords("crr-" + SandboxStack.SITE_A, "sink-record-read-total")
                    + sinkRecords("crr-" + SandboxStack.SITE_B, "sink-record-read-total");
            boolean idle = now == last[0];
            last[0] = now;
            if (!idle) {
                Thread.sleep(2000);
            }
            return idle;
        });
    }

    /** The log entries of one object whose metadata has the given global status (e.g. the write-back). */
    private static long logEntries(String bucket, String key, ReplicationStatus status) {
        long n = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", stack.connect().bootstrapServers(), "group.id", "status-e2e-" + System.nanoTime(),
                "auto.offset.reset", "earliest", "enable.auto.commit", "false",
                "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName()))) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(SandboxStack.METADATA_LOG_TOPIC).forEach(p -> partitions.add(
                    new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (!(bucket + "/" + key).equals(r.key())) {
                        continue;
                    }
                    try {
                        String md = JSON.readTree(r.value()).path("payload").path("metadata").asText(null);
                        if (md != null && ObjectMetadata.parse(md).replicationInfo().status() == status) {
                            n++;
                        }
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException("unreadable log entry " + r.value(), e);
                    }
                }
            }
        }
        return n;
    }

    /**
     * PENDING while the status writer is held, although both replicas exist; COMPLETED once it runs, with both
     * sites' events applied back to back on the same version (no lost update); and the write-back, published
     * by the source connector like any change, is no new work for the replication sinks.
     */
    @Test
    @Order(1)
    void pendingThenCompletedAfterBothSitesAndTheWriteBackIsNoNewWork() throws Exception {
        String bucket = newBucket("done", SandboxStack.DESTINATION_BUCKET);
        String key = "status-e2e/" + RUN + "/both-sites.txt";
        awaitSinksIdle();
        long logBefore = logEnd();
        Map<String, Long> sentBefore = new LinkedHashMap<>();
        Map<String, Long> readBefore = new LinkedHashMap<>();
        for (String site : sites.keySet()) {
            sentBefore.put(site, sinkRecords("crr-" + site, "sink-record-send-total"));
            readBefore.put(site, sinkRecords("crr-" + site, "sink-record-read-total"));
        }
        pause(STATUS);
        String versionId = put(bucket, key);
        assertEquals(ReplicationStatus.PENDING, sourceStatus(bucket, key, versionId));
        Map<String, String> replicas = awaitReplicas(key, versionId);
        assertEquals(ReplicationStatus.PENDING, sourceStatus(bucket, key, versionId),
                "replicated, but no status written while the status connector is paused");

        resume(STATUS);
        awaitSourceStatus(bucket, key, versionId, ReplicationStatus.COMPLETED);
        List<ObjectMetadata> docs = stored(bucket, key, versionId);
        assertEquals(2, docs.size(), "version document and master");
        for (ObjectMetadata md : docs) {
            assertEquals(ReplicationStatus.COMPLETED, md.replicationInfo().status());
            for (String site : sites.keySet()) {
                ReplicationBackend b = md.replicationInfo().backend(site).orElseThrow();
                assertEquals(ReplicationStatus.COMPLETED, b.status(), site);
                assertEquals(replicas.get(site), b.dataStoreVersionId(), site + " replica version");
            }
        }
        // the COMPLETED write-back (version document and master) is in the log...
        Await.until(WAIT, "the write-back in the metadata log", () -> logEntries(bucket, key, ReplicationStatus.COMPLETED) >= 2);
        // ...both replication sinks read it, and were handed only the original version entry
        long written = logEnd() - logBefore;
        assertTrue(written >= 4, "version, master and their write-backs: " + written + " log entries");
        for (String site : sites.keySet()) {
            Await.until(WAIT, "crr-" + site + " read the " + written + " new log entries",
                    () -> sinkRecords("crr-" + site, "sink-record-read-total") - readBefore.get(site) >= written);
            long sent = sinkRecords("crr-" + site, "sink-record-send-total") - sentBefore.get(site);
            assertEquals(1, sent, site + ": entries the ReplicationFilter handed to the replication sink");
        }
    }

    /** A site whose destination bucket does not exist fails: the source says FAILED, the other site COMPLETED. */
    @Test
    @Order(2)
    void failedWhenASiteFails() {
        String onlyAtA = "status-only-a-" + RUN;
        S3Client a = sites.get(SandboxStack.SITE_A);
        a.createBucket(b -> b.bucket(onlyAtA));
        a.putBucketVersioning(b -> b.bucket(onlyAtA).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String bucket = newBucket("fail", onlyAtA);
        String key = "status-e2e/" + RUN + "/site-b-fails.txt";
        String versionId = put(bucket, key);
        awaitSourceStatus(bucket, key, versionId, ReplicationStatus.FAILED);
        Await.until(WAIT, "site-a COMPLETED beside site-b FAILED", () -> stored(bucket, key, versionId).stream()
                .allMatch(md -> md.replicationInfo().backend(SandboxStack.SITE_A).orElseThrow().status()
                        == ReplicationStatus.COMPLETED));
        for (ObjectMetadata md : stored(bucket, key, versionId)) {
            assertEquals(ReplicationStatus.FAILED, md.replicationInfo().backend(SandboxStack.SITE_B).orElseThrow().status());
            assertEquals(ReplicationStatus.FAILED, md.replicationInfo().status());
        }
    }

    /** Status events for a version deleted meanwhile are counted and skipped; the task goes on. */
    @Test
    @Order(3)
    void aStatusForAVersionDeletedMeanwhileIsSkipped() throws Exception {
        String bucket = newBucket("gone", SandboxStack.DESTINATION_BUCKET);
        String key = "status-e2e/" + RUN + "/deleted-meanwhile.txt";
        long missingBefore = statusMetric(STATUS, "SkippedVersionMissing");
        pause(STATUS);
        String versionId = put(bucket, key);
        awaitReplicas(key, versionId);
        source.deleteObject(b -> b.bucket(bucket).key(key).versionId(versionId));
        resume(STATUS);
        Await.until(WAIT, "both sites' events skipped as version missing",
                () -> statusMetric(STATUS, "SkippedVersionMissing") - missingBefore == 2,
                () -> stack.rest().describe(STATUS));
        String next = put(bucket, key);
        awaitSourceStatus(bucket, key, next, ReplicationStatus.COMPLETED);
        assertTrue(stack.rest().running(STATUS), stack.rest().describe(STATUS));
    }

    /** The mongodb writer: same result, written straight into the metadata database. */
    @Test
    @Order(4)
    void mongodbWriter() throws Exception {
        stack.rest().send("DELETE", "connectors/" + STATUS, null);
        deployed.remove(STATUS);
        ConnectorConfigFile file = ConnectorConfigFile.read(SharedSandbox.projectRoot()
                .resolve("connector-configs/replication-status.json"));
        ObjectNode body = JSON.createObjectNode().put("name", STATUS_MONGODB);
        ObjectNode config = body.putObject("config");
        file.config().forEach(config::put);
        config.put("writer", "mongodb");
        config.put("source.mongodb.uri", "${env:BACKBEAT_MONGODB_URI}");
        config.put("errors.deadletterqueue.topic.name", "backbeat-replication-status-mongodb-dlq");
        stack.rest().send("POST", "connectors", JSON.writeValueAsString(body));
        deployed.add(STATUS_MONGODB);
        Await.until(WAIT, STATUS_MONGODB + " RUNNING", () -> stack.rest().running(STATUS_MONGODB),
                () -> stack.rest().describe(STATUS_MONGODB));

        String bucket = newBucket("mongo", SandboxStack.DESTINATION_BUCKET);
        String key = "status-e2e/" + RUN + "/mongodb-writer.txt";
        String versionId = put(bucket, key);
        Map<String, String> replicas = awaitReplicas(key, versionId);
        awaitSourceStatus(bucket, key, versionId, ReplicationStatus.COMPLETED);
        // the writer updates the version document, then the master that holds a copy of it: both end up recording
        // each site's replica (the head-object above may read the version before the master is written)
        Await.until(WAIT, "the version and its master recording both replicas", () -> {
            List<ObjectMetadata> docs = stored(bucket, key, versionId);
            return docs.size() == 2 && docs.stream().allMatch(md -> sites.keySet().stream().allMatch(site ->
                    replicas.get(site).equals(md.replicationInfo().backend(site).orElseThrow().dataStoreVersionId())));
        }, () -> stored(bucket, key, versionId).toString());
        assertTrue(statusMetric(STATUS_MONGODB, "EventsApplied") >= 2);
    }
}
