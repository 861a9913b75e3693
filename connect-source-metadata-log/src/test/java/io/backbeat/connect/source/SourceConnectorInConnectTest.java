package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.LocalPorts;
import io.backbeat.connect.testbed.kafka.ConnectCluster;
import io.backbeat.connect.testbed.mongo.MongoStandIn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The connector in real distributed Connect workers, reading the MongoDB stand-in. One cluster for the class. */
class SourceConnectorInConnectTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static ConnectCluster connect;
    private static MongoStandIn mongo;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        mongo = MongoStandIn.launch();
        client = MongoClients.create(mongo.connectionString());
        connect = ConnectCluster.builder().workers(1).start();
    }

    @AfterAll
    static void stop() {
        connect.close();
        client.close();
        mongo.close();
    }

    /** CloudServer creates __metastore at its first start; validate() insists on it. */
    private static void createMetastore(String database) {
        client.getDatabase(database).createCollection("__metastore");
    }

    private static Map<String, String> config(String database, String... kv) {
        if (!client.getDatabase(database).listCollectionNames().into(new ArrayList<>()).contains("__metastore")) {
            createMetastore(database);
        }
        Map<String, String> p = new HashMap<>();
        p.put("connector.class", MetadataLogSourceConnector.class.getName());
        p.put("tasks.max", "1");
        p.put("name", database);
        // the embedded broker does not auto-create topics: let Connect create them (KIP-158)
        p.put("topic.creation.default.replication.factor", "1");
        p.put("topic.creation.default.partitions", "1");
        p.put(MetadataLogSourceConfig.MONGODB_URI, mongo.connectionString());
        p.put(MetadataLogSourceConfig.MONGODB_DATABASE, database);
        p.put(MetadataLogSourceConfig.TOPIC, database + "-log");
        p.put(MetadataLogSourceConfig.ERRORS_TOPIC, database + "-errors");
        p.put(MetadataLogSourceConfig.HEARTBEAT_TOPIC, database + "-heartbeats");
        p.put(MetadataLogSourceConfig.HEARTBEAT_INTERVAL_MS, "500");
        p.put(MetadataLogSourceConfig.POLL_AWAIT_MS, "200");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static List<String> rendered(String topic) throws Exception {
        return ConnectTopics.entries(connect, topic).stream().map(ChangeEventConverterTest::render).toList();
    }

    /** startup.mode=latest: the first heartbeat stores where the stream starts. */
    private static void awaitPinned(String database) {
        Await.until(WAIT, "the start position of " + database + " pinned by a heartbeat",
                () -> !ConnectTopics.all(connect, database + "-heartbeats").isEmpty());
    }

    /** Fails at once when the connector's task failed, instead of waiting for the timeout. */
    private static void checkNotFailed(String connector) {
        ConnectorStateInfo s = connect.status(connector);
        s.tasks().stream().filter(t -> "FAILED".equals(t.state())).findFirst().ifPresent(t -> {
            throw new AssertionError("task of " + connector + " FAILED: " + t.trace());
        });
    }

    /** Writes a bucket entry and waits until it is on the topic: everything written before is there too. */
    private static void awaitMarker(String database, String bucket) {
        client.getDatabase(database).getCollection("__metastore").insertOne(new Document("_id", bucket)
                .append("value", new Document("name", bucket)));
        Await.until(WAIT, "marker bucket " + bucket + " on " + database + "-log",
                () -> {
                    checkNotFailed(database);
                    return rendered(database + "-log").contains("bucket put " + bucket + " - - md");
                });
    }

    @Test
    void replayedTraceBecomesExactlyTheExpectedEntries() throws Exception {
        // the trace's own database; the connector starts before the writes, from "latest"
        connect.configureConnector("metadata", config("metadata"));
        connect.awaitRunning("metadata", 1, WAIT);
        awaitPinned("metadata");
        TraceReplay.replay(client);
        awaitMarker("metadata", "zz-end");
        List<String> expected = new ArrayList<>(ChangeEventConverterTest.TRACE_ENTRIES);
        expected.add("bucket put zz-end - - md");
        assertEquals(expected, rendered("metadata-log"));
        connect.deleteConnector("metadata");
    }

    @Test
    void malformedDocumentGoesToTheErrorsTopicAndTheTaskKeepsRunning() throws Exception {
        connect.configureConnector("bad", config("bad"));
        connect.awaitRunning("bad", 1, WAIT);
        awaitPinned("bad");
        var coll = client.getDatabase("bad").getCollection("photos");
        coll.insertOne(new Document("_id", "\u007fMbroken").append("value", List.of(1, 2)));
        coll.insertOne(new Document("_id", "\u007fMfine").append("value", new Document("key", "fine")));
        awaitMarker("bad", "zz-end");
        assertEquals(List.of("object put photos/fine - master md", "bucket put zz-end - - md"), rendered("bad-log"));
        var errors = ConnectTopics.all(connect, "bad-errors");
        assertEquals(1, errors.size());
        Struct error = ConnectTopics.value("bad-errors", errors.get(0).value());
        assertEquals("photos", error.getString("bucket"));
        assertEquals("\u007fMbroken", error.getString("rawKey"));
        assertTrue(error.getString("reason").contains("value sub-document"), error.getString("reason"));
        connect.awaitRunning("bad", 1, WAIT);
        connect.deleteConnector("bad");
    }

    @Test
    void historyLostFailsTheTaskWithTheRecoveryStepsAndThatRecoveryWorks() throws Exception {
        String db = "lost";
        connect.configureConnector(db, config(db));
        connect.awaitRunning(db, 1, WAIT);
        awaitMarker(db, "before");
        connect.embedded().stopConnector(db);
        awaitStopped(db);
        var objects = client.getDatabase(db).getCollection("photos");
        objects.insertOne(new Document("_id", "\u007fMmissed").append("value", new Document("key", "missed")));
        BsonTimestamp cut = mongo.clusterTime();
        mongo.truncateHistoryBefore(new BsonTimestamp(cut.getTime(), cut.getInc() + 1));
        objects.insertOne(new Document("_id", "\u007fMafter").append("value", new Document("key", "after")));
        connect.embedded().resumeConnector(db);
        Await.until(WAIT, "task FAILED on history lost", () -> {
            ConnectorStateInfo s = connect.status(db);
            return !s.tasks().isEmpty() && "FAILED".equals(s.tasks().get(0).state());
        });
        String trace = connect.status(db).tasks().get(0).trace();
        assertTrue(trace.contains("Change stream history lost for stream lost/metadata-log"), trace);
        assertTrue(trace.contains("PATCH /connectors/<name>/offsets"), trace);

        // the documented recovery: stop → PATCH offsets → resume
        connect.embedded().stopConnector(db);
        awaitStopped(db);
        ConnectRestException rejected = org.junit.jupiter.api.Assertions.assertThrows(ConnectRestException.class,
                () -> connect.embedded().alterSourceConnectorOffset(db,
                        Map.of("database", db, "stream", "metadata-log"), Map.of("cluster_time", "soon")));
        assertTrue(rejected.getMessage().contains("cannot read cluster time 'soon'"), rejected.getMessage());
        String from = (cut.getTime() & 0xFFFFFFFFL) + ":" + (cut.getInc() + 1);
        connect.embedded().alterSourceConnectorOffset(db, Map.of("database", db, "stream", "metadata-log"),
                Map.of("cluster_time", from));
        connect.embedded().resumeConnector(db);
        connect.awaitRunning(db, 1, WAIT);
        awaitMarker(db, "zz-end");
        assertEquals(List.of("bucket put before - - md", "object put photos/after - master md",
                "bucket put zz-end - - md"), rendered(db + "-log"));
        connect.deleteConnector(db);
    }

    /** Stopped means the connector says so and no task is left: a task still stopping could read on. */
    private void awaitStopped(String name) {
        Await.until(WAIT, "connector " + name + " stopped with no task left", () -> {
            ConnectorStateInfo s = connect.status(name);
            return "STOPPED".equals(s.connector().state()) && s.tasks().isEmpty();
        });
    }

    @Test
    void validateThroughRestReportsAnUnreachableServerOnTheUri() {
        Map<String, String> cfg = config("metadata");
        cfg.put(MetadataLogSourceConfig.MONGODB_URI, "mongodb://127.0.0.1:" + LocalPorts.free());
        cfg.put(MetadataLogSourceConfig.MONGODB_TIMEOUT_MS, "1000");
        ConfigInfos infos = connect.embedded().validateConnectorConfig(MetadataLogSourceConnector.class.getSimpleName(),
                cfg);
        List<String> withErrors = infos.configs().stream().filter(c -> !c.configValue().errors().isEmpty())
                .map(c -> c.configKey().name() + ": " + c.configValue().errors()).toList();
        assertEquals(1, infos.errorCount(), withErrors.toString());
        ConfigInfo uri = infos.configs().stream()
                .filter(c -> c.configKey().name().equals(MetadataLogSourceConfig.MONGODB_URI)).findFirst().orElseThrow();
        assertTrue(uri.configValue().errors().get(0).contains("cannot reach MongoDB at 127.0.0.1:"),
                uri.configValue().errors().toString());
    }
}
