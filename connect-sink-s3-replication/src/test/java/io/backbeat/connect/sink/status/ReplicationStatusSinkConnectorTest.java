package io.backbeat.connect.sink.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;

import io.backbeat.connect.sink.retry.RetryPolicy;

class ReplicationStatusSinkConnectorTest {

    private static Map<String, String> cloudserver() {
        Map<String, String> p = new HashMap<>();
        p.put("name", "replication-status");
        p.put("writer", "cloudserver");
        p.put("source.s3.endpoint", "https://cloudserver.example:8000");
        p.put("source.s3.access.key.id", "AKIA");
        p.put("source.s3.secret.access.key", "secret");
        return p;
    }

    @Test
    void theCloudServerWriterNeedsTheEndpointAndTheMongodbWriterTheUri() {
        Map<String, String> noEndpoint = cloudserver();
        noEndpoint.remove("source.s3.endpoint");
        ConfigException e = assertThrows(ConfigException.class, () -> new ReplicationStatusSinkConfig(noEndpoint));
        assertTrue(e.getMessage().contains("source.s3.endpoint"), e.getMessage());

        Map<String, String> mongo = Map.of("writer", "mongodb");
        e = assertThrows(ConfigException.class, () -> new ReplicationStatusSinkConfig(mongo));
        assertTrue(e.getMessage().contains("source.mongodb.uri"), e.getMessage());
        assertFalse(e.getMessage().contains("mongodb://"), "the URI is a secret");

        ReplicationStatusSinkConfig ok = new ReplicationStatusSinkConfig(Map.of("writer", "MongoDB",
                "source.mongodb.uri", "mongodb://u:p@db/?replicaSet=rs0"));
        assertEquals(ReplicationStatusSinkConfig.Writer.MONGODB, ok.writer());
        assertEquals("metadata", ok.mongoDatabase());
        assertEquals(RetryPolicy.BACKBEAT_DEFAULTS, ok.retryPolicy());

        Map<String, String> bad = cloudserver();
        bad.put("writer", "redis");
        e = assertThrows(ConfigException.class, () -> new ReplicationStatusSinkConfig(bad));
        assertTrue(e.getMessage().contains("writer"), e.getMessage());
    }

    @Test
    void secretsArePasswords() {
        ConfigDef def = ReplicationStatusSinkConfig.CONFIG_DEF;
        for (String key : List.of("source.s3.access.key.id", "source.s3.secret.access.key", "source.s3.session.token",
                "source.mongodb.uri", "source.s3.tls.truststore.password")) {
            assertEquals(ConfigDef.Type.PASSWORD, def.configKeys().get(key).type, key);
        }
        assertFalse(new ReplicationStatusSinkConfig(cloudserver()).source().toString().contains("secret"));
    }

    @Test
    void tasksCarryTheirIdAndTheConfig() {
        ReplicationStatusSinkConnector c = new ReplicationStatusSinkConnector();
        c.start(cloudserver());
        List<Map<String, String>> tasks = c.taskConfigs(3);
        assertEquals(3, tasks.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(Integer.toString(i), tasks.get(i).get("task.id"));
            assertEquals("replication-status", tasks.get(i).get("name"));
            assertEquals("https://cloudserver.example:8000", tasks.get(i).get("source.s3.endpoint"));
        }
        assertEquals(ReplicationStatusSinkTask.class, c.taskClass());
        assertFalse(c.version().isBlank());
    }

    @Test
    void listedForServiceLoading() {
        boolean found = ServiceLoader.load(SinkConnector.class).stream()
                .anyMatch(p -> p.type() == ReplicationStatusSinkConnector.class);
        assertTrue(found, "META-INF/services/org.apache.kafka.connect.sink.SinkConnector");
    }
}
