package io.backbeat.connect.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;

import io.backbeat.connect.model.KeyFormat;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationBackend;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.VersionIds;
import io.backbeat.connect.testbed.Await;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The helloWorld extension end to end, in the real distributed Connect workers of the shared sandbox (bundle on
 * plugin.path): {@code connector-configs/hello-world.json} (KeyNameFilter + ObjectTaggingSinkConnector) beside
 * the metadata log source, the replication sink of site-a and the status write-back connector, all four posted as
 * they are on disk, on one bucket of the source site emulator.
 */
@ExtendWith(SharedSandbox.class)
class HelloWorldExtensionTest {

    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private static final String BUCKET = "hello-" + RUN;
    private static final String TAGGING_CONNECTOR = "hello-world";
    private static final String TAG_ORIGIN = "s3:ObjectTagging:Put";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Map<String, String> HELLO = Map.of("hello", "world");

    private static SandboxStack stack;
    private static S3Client source;
    private static S3Client siteA;
    private static MongoClient mongo;
    private static final List<String> deployed = new ArrayList<>();
    private static final JsonConverter JSON = new JsonConverter();

    @BeforeAll
    static void deploy(SandboxStack shared) {
        stack = shared;
        deployed.addAll(SharedSandbox.deployAlone(stack, WAIT, "metadata-log-source.json",
                "crr-site-a.json", "replication-status.json", "hello-world.json"));
        source = stack.newSourceClient();
        siteA = stack.sites().get(SandboxStack.SITE_A).newClient();
        mongo = MongoClients.create(stack.mongo().connectionString());
        JSON.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        Workload.createBucket(source, BUCKET, SandboxStack.DESTINATION_BUCKET, List.of(SandboxStack.SITE_A));
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
        for (AutoCloseable c : new AutoCloseable[] {mongo, siteA, source}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    @Test
    void tagsOnlyTheExactNamesOnceWhileReplicationOfTheBucketGoesOn() {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("HelloWorld", put("HelloWorld", "team=blue"));
        versions.put("helloworld", put("helloworld", null));
        versions.put("hello-world", put("hello-world", null));
        versions.put("dir/helloworld", put("dir/helloworld", null));
        Map<String, Map<String, String>> expected = new LinkedHashMap<>();
        expected.put("HelloWorld", Map.of("team", "blue", "hello", "world"));
        expected.put("helloworld", HELLO);
        expected.put("hello-world", Map.of());
        expected.put("dir/helloworld", Map.of());

        // the exact names (any case) get the tag, beside the tags they had
        Await.until(WAIT, "HelloWorld and helloworld tagged at the source",
                () -> tags(source, BUCKET, "HelloWorld", versions.get("HelloWorld")).equals(expected.get("HelloWorld"))
                        && tags(source, BUCKET, "helloworld", versions.get("helloworld")).equals(HELLO),
                () -> sourceTags(versions));

        // replication of the same bucket goes on beside it: every object reaches site-a, the tagging (a metadata
        // change of the source version) too, and the status connector records the replica and COMPLETED
        Await.until(WAIT, "every version COMPLETED on the source, its replica on site-a carrying its tags",
                () -> versions.entrySet().stream().allMatch(e -> replicated(e.getKey(), e.getValue(),
                        expected.get(e.getKey()))),
                () -> replicationState(versions));

        // no loop: the tagging connector reads its own tagging writes and the status write-backs of both helloworld
        // versions (each a journal entry that KeyNameFilter keeps) and writes nothing for them. A tagger that wrote
        // again would make the version PENDING again, be replicated, written back COMPLETED, and so on forever: the
        // log would never stop growing.
        awaitLogQuietWithTaggingConnectorCaughtUp();
        for (String key : List.of("HelloWorld", "helloworld")) {
            ObjectMetadata stored = storedVersion(key, versions.get(key));
            assertEquals(ReplicationStatus.COMPLETED, stored.replicationInfo().status(), key + " stays COMPLETED");
            assertEquals(expected.get(key), stored.tags(), key + " tags in the metadata");
        }
        List<LogEntry> log = readLog();
        for (String key : List.of("HelloWorld", "helloworld")) {
            TagHistory history = TagHistory.of(log, key);
            // the tagger adds the tag once; it adds it again only after a status write-back that read the version
            // before the tagging rewrote it without the tag (the cloudserver writer's documented race, see
            // docs/status-sink.md): every addition but the first follows such a loss
            assertEquals(history.losses() + 1, history.additions(), key + " tag additions vs. losses: " + history);
        }
        assertEquals(List.of(), log.stream().filter(e -> e.isObject() && e.bucket().equals(BUCKET) && e.metadata() != null
                        && !e.objectKey().equalsIgnoreCase("helloworld") && TAG_ORIGIN.equals(e.objectMetadata().originOp()))
                .toList(), "no other object tagged");
        for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
            assertEquals(e.getValue(), tags(source, BUCKET, e.getKey(), versions.get(e.getKey())),
                    "tags of " + e.getKey() + " at the source");
        }
        assertTrue(stack.rest().running(TAGGING_CONNECTOR), stack.rest().describe(TAGGING_CONNECTOR));
    }

    private static String put(String key, String tagging) {
        return source.putObject(p -> p.bucket(BUCKET).key(key).tagging(tagging),
                RequestBody.fromString("content of " + key, StandardCharsets.UTF_8)).versionId();
    }

    private static Map<String, String> tags(S3Client s3, String bucket, String key, String versionId) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag t : s3.getObjectTagging(g -> g.bucket(bucket).key(key).versionId(versionId)).tagSet()) {
            tags.put(t.key(), t.value());
        }
        return tags;
    }

    private static String sourceTags(Map<String, String> versions) {
        return versions.entrySet().stream().map(e -> e.getKey() + "=" + tags(source, BUCKET, e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static ObjectMetadata storedVersion(String key, String versionId) {
        return ObjectMetadata.parse(storedValue(KeyFormat.V1.versionKey(key, VersionIds.decode(versionId))).toJson());
    }

    /**
     * The source version is COMPLETED (as head-object shows it) and the replica it records has its content and
     * its tags.
     */
    private static boolean replicated(String key, String versionId, Map<String, String> tags) {
        String status = source.headObject(h -> h.bucket(BUCKET).key(key).versionId(versionId))
                .replicationStatusAsString();
        String replica = storedVersion(key, versionId).replicationInfo().backend(SandboxStack.SITE_A)
                .map(ReplicationBackend::dataStoreVersionId).orElse(null);
        return "COMPLETED".equals(status) && replica != null && !replica.isEmpty()
                && siteA.getObjectAsBytes(g -> g.bucket(SandboxStack.DESTINATION_BUCKET).key(key).versionId(replica))
                        .asUtf8String().equals("content of " + key)
                && tags(siteA, SandboxStack.DESTINATION_BUCKET, key, replica).equals(tags);
    }

    private static String replicationState(Map<String, String> versions) {
        return versions.entrySet().stream().map(e -> {
            ObjectMetadata md = storedVersion(e.getKey(), e.getValue());
            String replica = md.replicationInfo().backend(SandboxStack.SITE_A)
                    .map(ReplicationBackend::dataStoreVersionId).orElse(null);
            return e.getKey() + ": " + md.replicationInfo().status() + " " + md.replicationInfo().backends()
                    + " tags " + md.tags() + (replica == null || replica.isEmpty() ? ""
                    : " replica tags " + tags(siteA, SandboxStack.DESTINATION_BUCKET, e.getKey(), replica));
        }).collect(Collectors.joining("; "));
    }

    /**
     * How the tags of {@code key}'s version went along the journal (entries of one object are in one partition, in
     * order). Only the tagger adds {@link #HELLO}; the replication status write-backs rewrite the version with the
     * tags they read.
     *
     * @param additions entries that carry the tag where the entry before did not
     * @param losses    entries that lack the tag where the entry before carried it
     * @param states    the tags of each entry, for the failure message
     */
    private record TagHistory(int additions, int losses, List<Map<String, String>> states) {
        static TagHistory of(List<LogEntry> log, String key) {
            List<Map<String, String>> states = log.stream().filter(e -> e.isObject() && e.bucket().equals(BUCKET)
                            && key.equals(e.objectKey()) && e.metadataKey().isVersion() && e.metadata() != null)
                    .map(e -> e.objectMetadata().tags()).toList();
            int additions = 0;
            int losses = 0;
            boolean tagged = false;
            for (Map<String, String> state : states) {
                boolean now = "world".equals(state.get("hello"));
                additions += now && !tagged ? 1 : 0;
                losses += tagged && !now ? 1 : 0;
                tagged = now;
            }
            return new TagHistory(additions, losses, states);
        }
    }

    private static Document storedValue(String rawKey) {
        Document doc = mongo.getDatabase("metadata").getCollection(BUCKET).find(Filters.eq("_id", rawKey)).first();
        return Objects.requireNonNull(doc, "no document " + rawKey).get("value", Document.class);
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.connect().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    }

    private static List<TopicPartition> logPartitions(KafkaConsumer<byte[], byte[]> consumer) {
        return consumer.partitionsFor(LogEntry.TOPIC).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    /** The whole metadata log up to its current end. */
    private static List<LogEntry> readLog() {
        List<LogEntry> entries = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = logPartitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + LogEntry.TOPIC + " up to " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    entries.add(LogEntry.fromValue(JSON.toConnectData(r.topic(), r.value()).value()));
                }
            }
        }
        return entries;
    }

    /**
     * Waits until the tagging connector has committed the whole metadata log and the log did not grow meanwhile:
     * everything it read, its own writes' entries included, caused nothing new.
     */
    private static void awaitLogQuietWithTaggingConnectorCaughtUp() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.connect().bootstrapServers()));
                KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = logPartitions(consumer);
            AtomicReference<String> seen = new AtomicReference<>("");
            Await.until(WAIT, "the " + TAGGING_CONNECTOR + " connector to have committed the whole metadata log, "
                    + "and the log to stay as it was", () -> {
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets("connect-" + TAGGING_CONNECTOR).partitionsToOffsetAndMetadata().get();
                seen.set("end " + end + ", committed " + committed);
                boolean caughtUp = end.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue()));
                return caughtUp && consumer.endOffsets(partitions).equals(end);
            }, seen::get);
        }
    }
}
