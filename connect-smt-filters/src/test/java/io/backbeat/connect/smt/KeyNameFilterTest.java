package io.backbeat.connect.smt;

import static io.backbeat.connect.smt.Entries.VID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class KeyNameFilterTest {

    private static KeyNameFilter<SinkRecord> filter(String... kv) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        KeyNameFilter<SinkRecord> f = new KeyNameFilter<>();
        f.configure(props);
        return f;
    }

    private static List<String> keptKeys(KeyNameFilter<SinkRecord> f, String... keys) {
        return java.util.Arrays.stream(keys)
                .map(k -> Entries.versionPut(k, VID, Entries.metadata(k, VID)))
                .map(Entries::record)
                .filter(r -> {
                    SinkRecord out = f.apply(r);
                    if (out != null) {
                        assertSame(r, out);
                    }
                    return out != null;
                })
                .map(r -> ((org.apache.kafka.connect.data.Struct) r.value()).getString("objectKey"))
                .toList();
    }

    @Test
    void defaultPatternIsTheHelloWorldExtension() {
        assertEquals(List.of("helloworld", "HelloWorld", "HELLOWORLD"),
                keptKeys(filter(), "helloworld", "HelloWorld", "HELLOWORLD", "hello-world", "dir/helloworld",
                        "helloworld2", "hello", "k1"));
    }

    @Test
    void customPatternIsSearchedInTheFullKey() {
        assertEquals(List.of("photos/a.jpg", "photos/b.JPG"),
                keptKeys(filter("key.pattern", "(?i)^photos/.*\\.jpg$"), "photos/a.jpg", "photos/b.JPG",
                        "docs/a.jpg", "photos/a.png"));
        // unanchored: a match anywhere in the key
        assertEquals(List.of("a/tmp/b", "tmp"), keptKeys(filter("key.pattern", "tmp"), "a/tmp/b", "tmp", "TMP"));
    }

    @Test
    void everyEntryOfAMatchingKeyIsKept() {
        KeyNameFilter<SinkRecord> f = filter();
        for (LogEntry e : List.of(
                Entries.masterPut("helloworld", Entries.metadata("helloworld", VID)),
                Entries.versionPut("helloworld", VID, Entries.metadata("helloworld", VID, "zenko")),
                Entries.delete("helloworld", VID, null))) {
            assertTrue(f.apply(Entries.record(e)) != null, () -> e + " kept");
        }
    }

    @Test
    void bucketEntriesAndHeartbeatsFollowTheirSettings() {
        LogEntry bucket = Entries.bucketPut("helloworld");
        assertNull(filter().apply(Entries.record(bucket)));
        assertTrue(filter("bucket.entries", "keep").apply(Entries.record(bucket)) != null);
        assertNull(filter().apply(Entries.heartbeat()));
        assertTrue(filter("heartbeats", "keep").apply(Entries.heartbeat()) != null);
    }

    @Test
    void invalidRecordsFollowOnInvalid() {
        SinkRecord bad = Entries.raw("src/helloworld", Schema.STRING_SCHEMA, "helloworld");
        DataException e = assertThrows(DataException.class, () -> filter().apply(bad));
        assertTrue(e.getMessage().startsWith("KeyNameFilter: record backbeat-metadata-log-0@"), e.getMessage());
        assertNull(filter("on.invalid", "drop").apply(bad));
        // the key filter does not read the metadata: unparseable metadata is not its concern
        LogEntry odd = LogEntry.object(LogEntry.Type.PUT, "src", "helloworld", null, "\u007fMhelloworld", "{x", 1L);
        assertTrue(filter().apply(Entries.record(odd)) != null);
    }

    @Test
    void invalidPatternIsRejectedOnItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> filter("key.pattern", "(unclosed"));
        assertTrue(e.getMessage().contains("key.pattern") && e.getMessage().contains("not a valid Java regular "
                + "expression"), e.getMessage());
    }
}
