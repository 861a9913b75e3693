package io.backbeat.connect.sink.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.backbeat.connect.model.PluginVersion;
import io.backbeat.connect.sink.BackbeatSinkConnector;
import io.backbeat.connect.testbed.LocalPorts;
import io.backbeat.connect.testbed.s3.S3Endpoint;
import io.backbeat.connect.testbed.s3.S3TestServer;

/** The connector's validation (per key, then a call to the source site) and its task configs. */
class ObjectTaggingSinkConnectorTest {

    private static S3TestServer s3;

    @BeforeAll
    static void start() {
        s3 = TaggingFixtures.s3();
    }

    private static Map<String, String> config(String endpoint) {
        S3Endpoint e = s3.endpoint();
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", ObjectTaggingSinkConnector.class.getName());
        c.put("topics", "backbeat-metadata-log");
        c.put("source.s3.endpoint", endpoint);
        c.put("source.s3.access.key.id", e.accessKey());
        c.put("source.s3.secret.access.key", e.secretKey());
        return c;
    }

    private static Map<String, List<String>> errors(Map<String, String> config) {
        return new ObjectTaggingSinkConnector().validate(config).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void aReachableSourceValidates() {
        assertEquals(Map.of(), errors(config(s3.endpoint().endpoint().toString())));
    }

    @Test
    void anUnreachableSourceIsReportedOnTheEndpoint() {
        String nowhere = "http://127.0.0.1:" + LocalPorts.free();
        Map<String, List<String>> errors = errors(config(nowhere));
        assertEquals(List.of("source.s3.endpoint"), List.copyOf(errors.keySet()));
        assertTrue(errors.get("source.s3.endpoint").get(0).startsWith("cannot reach the source site at " + nowhere
                + " (SrcUnreachable)"), errors.toString());
    }

    @Test
    void badKeysAreReportedWithoutCallingTheSource() {
        Map<String, String> c = config("ftp://somewhere");
        c.put("tags", "nothing");
        Map<String, List<String>> errors = errors(c);
        assertEquals(List.of("Invalid value [nothing] for configuration tags: 'nothing' is not a key=value pair"),
                errors.get("tags"));
        assertEquals(List.of("Invalid value ftp://somewhere for configuration source.s3.endpoint: must be an "
                + "http:// or https:// URL with a host"), errors.get("source.s3.endpoint"));
    }

    @Test
    void everyTaskGetsTheWholeConfigAndItsNumber() {
        ObjectTaggingSinkConnector connector = new ObjectTaggingSinkConnector();
        Map<String, String> c = config(s3.endpoint().endpoint().toString());
        c.put("errors.tolerance", "all");
        connector.start(c);
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertEquals(3, tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            Map<String, String> expected = new HashMap<>(c);
            expected.put(BackbeatSinkConnector.TASK_ID, Integer.toString(i));
            assertEquals(expected, tasks.get(i), "the whole config and the task's number");
        }
        assertEquals(ObjectTaggingSinkTask.class, connector.taskClass());
        assertEquals(PluginVersion.get(), connector.version());
        connector.stop();
    }
}
