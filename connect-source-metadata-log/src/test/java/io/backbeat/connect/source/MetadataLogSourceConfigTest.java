package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

class MetadataLogSourceConfigTest {

    private static Map<String, String> props(String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put(MetadataLogSourceConfig.MONGODB_URI, "mongodb://user:pw@db1:27017,db2:27017/?replicaSet=rs0");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaults() {
        MetadataLogSourceConfig c = new MetadataLogSourceConfig(props());
        assertEquals("metadata", c.database());
        assertEquals("backbeat-metadata-log", c.topic());
        assertEquals(MetadataLogSourceConfig.StartupMode.LATEST, c.startupMode());
        assertEquals(MetadataLogSourceConfig.FullDocumentMode.UPDATE_LOOKUP, c.fullDocument());
        assertEquals(MetadataLogSourceConfig.HistoryLostPolicy.FAIL, c.historyLostPolicy());
        assertEquals(10_000L, c.heartbeatIntervalMs());
        assertEquals(Optional.of("backbeat-metadata-log-errors"), c.errorsTopic());
        assertEquals(Map.of("database", "metadata", "stream", "metadata-log"), c.offsets().partition());
    }

    @Test
    void partitionKeysHaveAFixedOrderSoEveryJvmSerializesThemAlike() {
        assertEquals(List.of("database", "stream"), List.copyOf(new MetadataLogSourceConfig(props()).offsets()
                .partition().keySet()));
    }

    @Test
    void everyUserSettingIsDocumentedAndGrouped() {
        for (ConfigDef.ConfigKey key : MetadataLogSourceConfig.CONFIG_DEF.configKeys().values()) {
            if (key.internalConfig) {
                continue;
            }
            assertNotNull(key.group, key.name);
            assertFalse(key.documentation == null || key.documentation.isBlank(), key.name);
        }
        assertEquals(ConfigDef.Type.PASSWORD,
                MetadataLogSourceConfig.CONFIG_DEF.configKeys().get(MetadataLogSourceConfig.MONGODB_URI).type);
    }

    @Test
    void uriIsASecretAndItsErrorsDoNotEchoIt() {
        MetadataLogSourceConfig c = new MetadataLogSourceConfig(props());
        assertEquals("[hidden]", c.connectionUri().toString());
        ConfigException e = assertThrows(ConfigException.class, () -> new MetadataLogSourceConfig(
                props(MetadataLogSourceConfig.MONGODB_URI, "postgres://user:topsecret@h/")));
        assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
        assertTrue(e.getMessage().contains("mongodb://"), e.getMessage());
    }

    @Test
    void startupTimestampForms() {
        MetadataLogSourceConfig c = new MetadataLogSourceConfig(props(MetadataLogSourceConfig.STARTUP_MODE, "timestamp",
                MetadataLogSourceConfig.STARTUP_TIMESTAMP, "2026-11-22T00:44:26Z"));
        assertEquals(new BsonTimestamp(1795308266, 0), c.startupTimestamp().orElseThrow());
        assertEquals(new BsonTimestamp(1795308266, 3), ClusterTimes.parse("1795308266:3"));
        assertEquals(new BsonTimestamp(1795308266, 0), ClusterTimes.parse("1795308266"));
        ConfigException e = assertThrows(ConfigException.class, () -> new MetadataLogSourceConfig(
                props(MetadataLogSourceConfig.STARTUP_TIMESTAMP, "last tuesday")));
        assertTrue(e.getMessage().contains(MetadataLogSourceConfig.STARTUP_TIMESTAMP), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClusterTimes.parse("-5"));
        assertEquals(new BsonTimestamp(1795308266, 3), ClusterTimes.unpack(ClusterTimes.pack(new BsonTimestamp(1795308266, 3))));
    }

    @Test
    void crossFieldRules() {
        ConfigException e = assertThrows(ConfigException.class, () -> new MetadataLogSourceConfig(
                props(MetadataLogSourceConfig.STARTUP_MODE, "timestamp")));
        assertTrue(e.getMessage().contains("startup.timestamp"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> new MetadataLogSourceConfig(
                props(MetadataLogSourceConfig.HISTORY_LOST_POLICY, "restart-from-timestamp")));
        assertTrue(e.getMessage().contains("history.lost.policy"), e.getMessage());
    }

    @Test
    void enumsAndPatternsAreValidated() {
        assertThrows(ConfigException.class, () -> new MetadataLogSourceConfig(props(MetadataLogSourceConfig.FULL_DOCUMENT,
                "whenAvailable")));
        ConfigException e = assertThrows(ConfigException.class, () -> new MetadataLogSourceConfig(
                props(MetadataLogSourceConfig.BUCKETS_INCLUDE_PATTERN, "src[")));
        assertTrue(e.getMessage().contains("regular expression"), e.getMessage());
        assertEquals(MetadataLogSourceConfig.FullDocumentMode.REQUIRED, new MetadataLogSourceConfig(
                props(MetadataLogSourceConfig.FULL_DOCUMENT, "required")).fullDocument());
        assertEquals(Optional.empty(), new MetadataLogSourceConfig(props(MetadataLogSourceConfig.ERRORS_TOPIC, ""))
                .errorsTopic());
    }

    @Test
    void bucketFilter() {
        BucketFilter f = new MetadataLogSourceConfig(props(MetadataLogSourceConfig.BUCKETS_INCLUDE, "a,b,logs-1",
                MetadataLogSourceConfig.BUCKETS_EXCLUDE, "b",
                MetadataLogSourceConfig.BUCKETS_EXCLUDE_PATTERN, "logs-.*")).bucketFilter();
        assertTrue(f.accepts("a"));
        assertFalse(f.accepts("b"));
        assertFalse(f.accepts("c"));
        assertFalse(f.accepts("logs-1"));
        BucketFilter all = BucketFilter.all();
        for (String internal : List.of("__usersbucket", "PENSIEVE", "__infostore", "users..bucket", "mpuShadowBucketsrc",
                "__metastore")) {
            assertFalse(all.accepts(internal), internal);
        }
        assertTrue(new BucketFilter(List.of(), List.of(), Optional.of(Pattern.compile("src.*")), Optional.empty())
                .accepts("src2"));
    }
}
