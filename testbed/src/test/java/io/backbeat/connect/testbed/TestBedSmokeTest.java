package io.backbeat.connect.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.OperationType;
import io.backbeat.connect.testbed.kafka.ConnectCluster;
import io.backbeat.connect.testbed.kafka.WorkerProcess;
import io.backbeat.connect.testbed.redis.RedisServer;
import io.backbeat.connect.testbed.s3.S3TestServer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The whole test bed in one JVM: KRaft broker + 2 distributed workers + MongoDB stand-in + S3Mock + Redis.
 * A connector is registered through REST, runs, and its tasks move when a worker stops; then a worker in its
 * own JVM is killed (SIGKILL) and its tasks move after the group session times out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestBedSmokeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Unique, so that a run against a real S3 service (-Preal-infra) does not meet an older bucket. */
    private static final String BUCKET = "smoke-destination-" + System.currentTimeMillis();

    private static ConnectCluster connect;
    private static S3TestServer s3;
    private static RedisServer redis;
    private static MongoTestServer mongo;

    @BeforeAll
    static void startAll() {
        s3 = S3TestServer.start(BUCKET);
        redis = RedisServer.start();
        mongo = MongoTestServer.start();
        connect = ConnectCluster.builder().name("smoke").workers(2).start();
    }

    @AfterAll
    static void stopAll() {
        if (connect != null) {
            connect.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (mongo != null) {
            mongo.close();
        }
    }

    @Test
    @Order(0)
    void infrastructureAnswers() {
        try (S3Client client = s3.newClient()) {
            PutObjectResponse first = client.putObject(b -> b.bucket(BUCKET).key("k"),
                    RequestBody.fromString("one"));
            PutObjectResponse second = client.putObject(b -> b.bucket(BUCKET).key("k"),
                    RequestBody.fromString("two"));
            assertNotEquals(first.versionId(), second.versionId(), "versioned bucket keeps both versions");
            String old = client.getObjectAsBytes(b -> b.bucket(BUCKET).key("k")
                    .versionId(first.versionId())).asUtf8String();
            assertEquals("one", old);
        }
        if (!s3.isExternal()) {
            // a second destination site: another S3Mock in the same JVM, with its own store
            try (S3TestServer siteB = S3TestServer.start(BUCKET);
                 S3Client client = siteB.newClient()) {
                assertNotEquals(s3.endpoint().endpoint(), siteB.endpoint().endpoint());
                assertEquals(0, client.listObjectsV2(b -> b.bucket(BUCKET)).keyCount());
            }
        }
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            jedis.zadd("bb:crr:failed:site:1", 1.0, "entry");
            assertEquals(1L, jedis.zcard("bb:crr:failed:site:1"));
        }
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase metadata = client.getDatabase("metadata");
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> events = metadata.watch().cursor()) {
                metadata.getCollection(BUCKET)
                        .insertOne(new Document("_id", "key").append("value", new Document("content-length", 3)));
                ChangeStreamDocument<Document> event = nextEvent(events);
                assertEquals(OperationType.INSERT, event.getOperationType());
                assertEquals(BUCKET, event.getNamespace().getCollectionName());
                assertEquals("key", event.getDocumentKey().getString("_id").getValue());
            }
        }
    }

    private static ChangeStreamDocument<Document> nextEvent(MongoChangeStreamCursor<ChangeStreamDocument<Document>> c) {
        AtomicReference<ChangeStreamDocument<Document>> seen = new AtomicReference<>();
        Await.until(WAIT, "a change event on the metadata database", () -> {
            seen.set(c.tryNext());
            return seen.get() != null;
        });
        return seen.get();
    }

    @Test
    @Order(1)
    void connectorRegisteredThroughRestRunsAndMovesWhenAWorkerStops() {
        String topic = "smoke-topic";
        connect.createTopic(topic, 1);
        // Kafka's TestableSourceConnector, not its Monitorable one: that one's tasks register a plugin metric and
        // fail when a worker restarts a task before dropping the previous instance's metric (seen once in CI).
        connect.configureConnector("smoke-source", Map.of(
                "connector.class", "org.apache.kafka.connect.integration.TestableSourceConnector",
                "tasks.max", "2",
                "topic", topic,
                "throughput", "10",
                "messages.per.poll", "1"));
        connect.awaitRunning("smoke-source", 2, WAIT);

        List<ConsumerRecord<byte[], byte[]>> records = connect.consume(5, WAIT, topic);
        assertTrue(records.size() >= 5);
        assertFalse(new String(records.get(0).value(), StandardCharsets.UTF_8).isEmpty());

        Set<String> before = new HashSet<>(connect.taskWorkers("smoke-source").values());
        assertEquals(2, connect.workerIds().size(), "two workers before the stop");

        WorkerHandle stopped = connect.workers().stream()
                .filter(w -> before.contains(ConnectCluster.workerId(w)))
                .findFirst().orElseThrow();
        String stoppedId = ConnectCluster.workerId(stopped);
        connect.removeWorker(stopped);
        Set<String> remaining = connect.workerIds();
        assertFalse(remaining.contains(stoppedId));
        assertEquals(1, remaining.size());

        connect.awaitTasksOn("smoke-source", 2, remaining, WAIT);
        assertEquals(Set.copyOf(remaining), Set.copyOf(connect.taskWorkers("smoke-source").values()));
        connect.deleteConnector("smoke-source");
    }

    @Test
    @Order(2)
    void tasksOfAKilledWorkerProcessMoveAfterTheSessionTimeout() {
        Set<String> inJvm = connect.workerIds();
        connect.createTopic("kill-topic", 1);
        WorkerProcess process = connect.startWorkerProcess(WAIT);
        try {
            connect.configureConnector("kill-source", Map.of(
                    "connector.class", "org.apache.kafka.connect.integration.TestableSourceConnector",
                    "tasks.max", "4",
                    "topic", "kill-topic",
                    "throughput", "1"));
            connect.awaitRunning("kill-source", 4, WAIT);
            Await.until(WAIT, "a task of kill-source on the worker process",
                    () -> connect.taskWorkers("kill-source").containsValue(process.workerId()),
                    () -> connect.taskWorkers("kill-source").toString());
            process.kill();
            assertFalse(process.isAlive());

            connect.awaitTasksOn("kill-source", 4, inJvm, WAIT);
        } finally {
            process.kill();
        }
        connect.deleteConnector("kill-source");
    }
}
