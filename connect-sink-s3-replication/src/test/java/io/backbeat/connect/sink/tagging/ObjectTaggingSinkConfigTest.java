package io.backbeat.connect.sink.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import io.backbeat.connect.sink.retry.RetryPolicy;

class ObjectTaggingSinkConfigTest {

    private static ObjectTaggingSinkConfig config(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of("source.s3.endpoint", "http://127.0.0.1:8000"));
        props.putAll(extra);
        return new ObjectTaggingSinkConfig(props);
    }

    private static String error(String tags) {
        Map<String, String> props = Map.of("tags", tags);
        Map<String, ConfigValue> values = ObjectTaggingSinkConfig.CONFIG_DEF.validate(props).stream()
                .collect(Collectors.toMap(ConfigValue::name, v -> v));
        List<String> errors = values.get("tags").errorMessages();
        assertEquals(1, errors.size(), "errors for '" + tags + "': " + errors);
        ConfigException atStart = assertThrows(ConfigException.class, () -> config(props));
        assertTrue(atStart.getMessage().contains(errors.get(0)), atStart.getMessage());
        return errors.get(0);
    }

    @Test
    void defaultsAreHelloWorldAndBackbeatsRetries() {
        ObjectTaggingSinkConfig c = config(Map.of());
        assertEquals(Map.of("hello", "world"), c.tags());
        assertEquals(RetryPolicy.BACKBEAT_DEFAULTS, c.retryPolicy());
        assertEquals("http://127.0.0.1:8000", c.source().endpoint().toString());
        assertEquals("source.s3.", c.source().prefix());
        assertFalse(c.toleratesErrors());
    }

    @Test
    void parsesTagsInOrderTrimmedAndValuesMayHoldEqualSigns() {
        ObjectTaggingSinkConfig c = config(Map.of("tags", " hello = world , team=storage,formula=a=b,empty="));
        assertEquals(List.of("hello", "team", "formula", "empty"), List.copyOf(c.tags().keySet()));
        assertEquals(Map.of("hello", "world", "team", "storage", "formula", "a=b", "empty", ""), c.tags());
    }

    @Test
    void readsConnectsErrorTolerance() {
        assertTrue(config(Map.of("errors.tolerance", "all")).toleratesErrors());
        assertFalse(config(Map.of("errors.tolerance", "none")).toleratesErrors());
    }

    @Test
    void badTagsAreRefusedNamingTheProblem() {
        assertEquals("Invalid value [hello] for configuration tags: 'hello' is not a key=value pair", error("hello"));
        assertTrue(error("a=1,a=2").endsWith("tag key 'a' is given twice"));
        assertTrue(error("=world").endsWith("tag key of '=world' must have 1 to 128 characters"));
        assertTrue(error("aws:owner=me").endsWith("tag key 'aws:owner' uses the prefix 'aws:', reserved by S3"));
        assertTrue(error("k=" + "v".repeat(257)).endsWith("the value of tag 'k' is longer than 256 characters"));
        assertTrue(error("a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9,j=10,k=11")
                .endsWith("11 tags given; S3 allows at most 10 per object"));
        assertTrue(error("").endsWith("at least one tag is required (key=value)"));
    }
}
