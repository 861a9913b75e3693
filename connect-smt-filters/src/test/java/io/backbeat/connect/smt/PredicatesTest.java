package io.backbeat.connect.smt;

import static io.backbeat.connect.smt.Entries.VID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.junit.jupiter.api.Test;

class PredicatesTest {

    private static <P extends Predicate<SinkRecord>> P configure(P predicate, String... kv) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        predicate.configure(props);
        return predicate;
    }

    private static boolean test(Predicate<SinkRecord> p, LogEntry e) {
        return p.test(Entries.record(e));
    }

    private static final LogEntry PENDING_ZENKO = Entries.versionPut("k1", VID, Entries.metadata("k1", VID, "zenko"));
    private static final LogEntry MASTER = Entries.masterPut("k1", Entries.metadata("k1", VID, "zenko"));
    private static final LogEntry BUCKET = Entries.bucketPut("src");

    @Test
    void replicationPendingForSiteMakesTheFilterDecision() {
        var zenko = configure(new ReplicationPendingForSite<>(), "site", "zenko");
        var other = configure(new ReplicationPendingForSite<>(), "site", "other");
        var any = configure(new ReplicationPendingForSite<>());
        assertTrue(test(zenko, PENDING_ZENKO));
        assertTrue(test(any, PENDING_ZENKO));
        assertFalse(test(other, PENDING_ZENKO));
        assertFalse(test(zenko, MASTER));
        assertFalse(test(zenko, BUCKET));
        assertFalse(zenko.test(Entries.heartbeat()));
        ObjectNode cold = Entries.metadata("k1", VID, "zenko");
        cold.put("dataStoreName", "dmf");
        var zenkoWithCold = configure(new ReplicationPendingForSite<>(), "site", "zenko", "cold.locations", "dmf");
        assertFalse(test(zenkoWithCold, Entries.versionPut("k1", VID, cold)));
    }

    @Test
    void bucketNameMatchesObjectAndBucketEntries() {
        var src = configure(new BucketNameMatches<>(), "pattern", "^src$");
        assertTrue(test(src, PENDING_ZENKO));
        assertTrue(test(src, BUCKET));
        assertFalse(test(src, Entries.bucketPut("src-archive")));
        assertTrue(test(configure(new BucketNameMatches<>(), "pattern", "^src"), Entries.bucketPut("src-archive")));
        assertFalse(src.test(Entries.heartbeat()));
    }

    @Test
    void keyNameMatchesObjectKeysOnly() {
        var k = configure(new KeyNameMatches<>(), "pattern", "(?i)^K1$");
        assertTrue(test(k, PENDING_ZENKO));
        assertTrue(test(k, MASTER));
        assertFalse(test(k, Entries.versionPut("k10", VID, Entries.metadata("k10", VID))));
        assertFalse(test(configure(new KeyNameMatches<>(), "pattern", ".*"), BUCKET));
    }

    @Test
    void isDeleteMarkerIsTrueForTheWriteOfADeleteMarker() {
        var dm = configure(new IsDeleteMarker<>());
        ObjectNode md = Entries.metadata("k1", VID, "zenko");
        md.put("isDeleteMarker", true);
        assertTrue(test(dm, Entries.versionPut("k1", VID, md)));
        assertFalse(test(dm, PENDING_ZENKO));
        // removing a delete marker (version delete) is a delete entry, not a delete marker
        assertFalse(test(dm, Entries.delete("k1", VID, md)));
        assertFalse(test(dm, BUCKET));
    }

    @Test
    void isBucketEntry() {
        var b = configure(new IsBucketEntry<>());
        assertTrue(test(b, BUCKET));
        assertFalse(test(b, PENDING_ZENKO));
        assertFalse(b.test(Entries.heartbeat()));
    }

    @Test
    void invalidRecordsFailOrAnswerAsConfigured() {
        SinkRecord bad = Entries.raw("src/k1", Schema.STRING_SCHEMA, "not an entry");
        DataException e = assertThrows(DataException.class, () -> configure(new IsBucketEntry<>()).test(bad));
        assertTrue(e.getMessage().startsWith("IsBucketEntry: record backbeat-metadata-log-0@"), e.getMessage());
        assertTrue(configure(new IsBucketEntry<>(), "on.invalid", "true").test(bad));
        assertFalse(configure(new IsBucketEntry<>(), "on.invalid", "false").test(bad));
        // metadata is read only by the predicates that need it
        LogEntry unparseable = LogEntry.object(LogEntry.Type.PUT, "src", "k1", null, "\u007fMk1", "{x", 1L);
        assertThrows(DataException.class, () -> test(configure(new IsDeleteMarker<>()), unparseable));
        assertFalse(test(configure(new IsDeleteMarker<>(), "on.invalid", "false"), unparseable));
        assertThrows(DataException.class,
                () -> test(configure(new ReplicationPendingForSite<>(), "site", "zenko"), unparseable));
        assertTrue(test(configure(new KeyNameMatches<>(), "pattern", "k1"), unparseable));
    }

    @Test
    void patternIsRequiredAndValidated() {
        ConfigException missing = assertThrows(ConfigException.class, () -> configure(new BucketNameMatches<>()));
        assertTrue(missing.getMessage().contains("pattern"), missing.getMessage());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> configure(new KeyNameMatches<>(), "pattern", "[a-"));
        assertTrue(bad.getMessage().contains("not a valid Java regular expression"), bad.getMessage());
        ConfigException answer = assertThrows(ConfigException.class,
                () -> configure(new IsDeleteMarker<>(), "on.invalid", "drop"));
        assertTrue(answer.getMessage().contains("on.invalid"), answer.getMessage());
        assertEquals(new IsBucketEntry<>().version(), new ReplicationFilter<>().version());
    }
}
