package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.backbeat.connect.testbed.LocalPorts;
import io.backbeat.connect.testbed.mongo.MongoStandIn;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetadataLogSourceConnectorTest {

    private static MongoStandIn mongo;

    @BeforeAll
    static void startMongo() {
        mongo = MongoStandIn.launch();
        try (MongoClient c = MongoClients.create(mongo.connectionString())) {
            c.getDatabase("metadata").getCollection("__metastore").insertOne(new Document("_id", "users..bucket"));
            c.getDatabase("other").getCollection("x").insertOne(new Document("_id", "y"));
        }
    }

    @AfterAll
    static void stopMongo() {
        mongo.close();
    }

    private static Map<String, String> config(String uri, String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "metadata-log");
        p.put(MetadataLogSourceConfig.MONGODB_URI, uri);
        p.put(MetadataLogSourceConfig.MONGODB_TIMEOUT_MS, "1500");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static Map<String, List<String>> errors(Config config) {
        return config.configValues().stream().filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void validConfigAgainstAReachableMetadataDatabaseHasNoErrors() {
        assertEquals(Map.of(), errors(new MetadataLogSourceConnector().validate(config(mongo.connectionString()))));
    }

    @Test
    void unreachableServerIsReportedOnTheUri() {
        int closed = LocalPorts.free();
        Map<String, List<String>> e = errors(new MetadataLogSourceConnector().validate(
                config("mongodb://u:s3cret@127.0.0.1:" + closed + "/?serverSelectionTimeoutMS=1000")));
        assertEquals(List.of(MetadataLogSourceConfig.MONGODB_URI), List.copyOf(e.keySet()));
        String message = e.get(MetadataLogSourceConfig.MONGODB_URI).get(0);
        assertTrue(message.contains("cannot reach MongoDB at 127.0.0.1:" + closed), message);
        assertTrue(!message.contains("s3cret"), "the password must never appear: " + message);
    }

    @Test
    void wrongUriShapesAreReportedOnTheUri() {
        Map<String, List<String>> e = errors(new MetadataLogSourceConnector().validate(config("http://localhost:27017")));
        assertTrue(e.get(MetadataLogSourceConfig.MONGODB_URI).get(0).contains("mongodb://"), e.toString());
        e = errors(new MetadataLogSourceConnector().validate(config("mongodb://host:notaport/")));
        assertTrue(e.get(MetadataLogSourceConfig.MONGODB_URI).get(0).contains("not a valid MongoDB connection string"),
                e.toString());
    }

    @Test
    void databaseWithoutMetastoreIsReportedOnTheDatabase() {
        Map<String, List<String>> e = errors(new MetadataLogSourceConnector().validate(config(mongo.connectionString(),
                MetadataLogSourceConfig.MONGODB_DATABASE, "other")));
        assertEquals(List.of(MetadataLogSourceConfig.MONGODB_DATABASE), List.copyOf(e.keySet()));
        assertTrue(e.get(MetadataLogSourceConfig.MONGODB_DATABASE).get(0).contains("no __metastore collection"));
    }

    @Test
    void crossFieldRulesAreReportedOnStartupTimestamp() {
        Map<String, List<String>> e = errors(new MetadataLogSourceConnector().validate(config(mongo.connectionString(),
                MetadataLogSourceConfig.STARTUP_MODE, "timestamp")));
        assertEquals(List.of(MetadataLogSourceConfig.STARTUP_TIMESTAMP), List.copyOf(e.keySet()));
        e = errors(new MetadataLogSourceConnector().validate(config(mongo.connectionString(),
                MetadataLogSourceConfig.HISTORY_LOST_POLICY, "restart-from-timestamp")));
        assertTrue(e.get(MetadataLogSourceConfig.STARTUP_TIMESTAMP).get(0).contains("history.lost.policy"));
    }

    @Test
    void oneTaskCarryingTheConnectorName() {
        MetadataLogSourceConnector c = new MetadataLogSourceConnector();
        c.start(config(mongo.connectionString()));
        List<Map<String, String>> tasks = c.taskConfigs(4);
        assertEquals(1, tasks.size());
        assertEquals("metadata-log", new MetadataLogSourceConfig(tasks.get(0)).connectorName());
        assertEquals(ExactlyOnceSupport.SUPPORTED, c.exactlyOnceSupport(config(mongo.connectionString())));
        assertEquals(MetadataLogSourceTask.class, c.taskClass());
    }

    @Test
    void alterOffsetsAcceptsTheDocumentedShapesOnly() {
        MetadataLogSourceConnector c = new MetadataLogSourceConnector();
        Map<String, String> cfg = config(mongo.connectionString());
        Map<String, ?> partition = Map.of("database", "metadata", "stream", "metadata-log");
        assertTrue(c.alterOffsets(cfg, Map.of(partition, Map.of("cluster_time", "2026-11-22T00:44:26Z"))));
        assertTrue(c.alterOffsets(cfg, Map.of(partition, Map.of("resume_token", "{\"_data\": \"82AB\"}",
                "cluster_time", 7_710_000_000_000_000_000L))));
        Map<Map<String, ?>, Map<String, ?>> reset = new HashMap<>();
        reset.put(partition, null);
        assertTrue(c.alterOffsets(cfg, reset));

        ConnectException wrongStream = assertThrows(ConnectException.class, () -> c.alterOffsets(cfg,
                Map.of(Map.of("database", "metadata", "stream", "other"), Map.of("cluster_time", 1L))));
        assertTrue(wrongStream.getMessage().contains("not this connector's stream"), wrongStream.getMessage());
        ConnectException badTime = assertThrows(ConnectException.class, () -> c.alterOffsets(cfg,
                Map.of(partition, Map.of("cluster_time", "yesterday"))));
        assertTrue(badTime.getMessage().contains("cannot read cluster time 'yesterday'"), badTime.getMessage());
        ConnectException unknownKey = assertThrows(ConnectException.class, () -> c.alterOffsets(cfg,
                Map.of(partition, Map.of("position", 1L))));
        assertTrue(unknownKey.getMessage().contains("unknown key 'position'"), unknownKey.getMessage());
        ConnectException noToken = assertThrows(ConnectException.class, () -> c.alterOffsets(cfg,
                Map.of(partition, Map.of("resume_token", "{\"x\": 1}"))));
        assertTrue(noToken.getMessage().contains("_data"), noToken.getMessage());
        ConnectException empty = assertThrows(ConnectException.class, () -> c.alterOffsets(cfg,
                Map.of(partition, Map.of())));
        assertTrue(empty.getMessage().contains("needs resume_token or cluster_time"), empty.getMessage());
    }
}
