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

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicationFilterTest {

    private static ReplicationFilter<SinkRecord> filter(String... kv) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        ReplicationFilter<SinkRecord> f = new ReplicationFilter<>();
        f.configure(props);
        return f;
    }

    private static boolean kept(ReplicationFilter<SinkRecord> f, LogEntry entry) {
        SinkRecord record = Entries.record(entry);
        SinkRecord out = f.apply(record);
        if (out != null) {
            assertSame(record, out, "a filter passes records through unchanged");
        }
        return out != null;
    }

    private static String reason(String site, LogEntry entry) {
        return new ReplicationDecision(site, List.of("glacier")).decide(entry).reason();
    }

    @Test
    void versionKeyPendingIsKept() {
        LogEntry e = Entries.versionPut("k1", VID, Entries.metadata("k1", VID, "zenko"));
        assertTrue(kept(filter(), e));
        assertTrue(kept(filter("site", "zenko"), e));
    }

    @Test
    void masterOfVersionedObjectIsDropped() {
        LogEntry e = Entries.masterPut("k1", Entries.metadata("k1", VID, "zenko"));
        assertFalseKept(filter("site", "zenko"), e);
        assertEquals("master key of a versioned object", reason("zenko", e));
    }

    @Test
    void masterOfNonVersionedObjectIsKept() {
        LogEntry e = Entries.masterPut("p1", Entries.metadata("p1", null, "zenko"));
        assertNull(e.versionId());
        assertTrue(kept(filter("site", "zenko"), e));
    }

    @Test
    void nullVersionMasterIsKept() {
        ObjectNode md = Entries.metadata("n1", VID, "zenko");
        md.put("isNull", true);
        LogEntry e = Entries.masterPut("n1", md);
        assertEquals("null", e.versionId());
        assertTrue(kept(filter("site", "zenko"), e));
    }

    @Test
    void nfsMasterIsKept() {
        ObjectNode md = Entries.metadata("f1", VID, "zenko");
        Entries.ri(md).put("isNFS", true);
        assertTrue(kept(filter("site", "zenko"), Entries.masterPut("f1", md)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMPLETED", "FAILED", "REPLICA", "PROCESSING", ""})
    void nonPendingStatusIsDropped(String status) {
        ObjectNode md = Entries.metadata("k1", VID, "zenko");
        Entries.ri(md).put("status", status);
        Entries.siteStatus(md, "zenko", status);
        LogEntry e = Entries.versionPut("k1", VID, md);
        assertFalseKept(filter(), e);
        assertFalseKept(filter("site", "zenko"), e);
        assertEquals("replication status is " + (status.isEmpty() ? "empty" : status), reason("zenko", e));
    }

    @Test
    void emptyReplicationInfoIsDropped() {
        // what CloudServer writes when no rule matches or the rule is disabled (fixture step i)
        LogEntry e = Entries.versionPut("k4", VID, Entries.metadata("k4", VID));
        assertFalseKept(filter(), e);
        assertFalseKept(filter("site", "zenko"), e);
        assertEquals("replication status is empty", reason(null, e));
    }

    @Test
    void siteNotAmongBackendsIsDropped() {
        LogEntry e = Entries.versionPut("k1", VID, Entries.metadata("k1", VID, "zenko"));
        assertFalseKept(filter("site", "aws-west"), e);
        assertEquals("not pending for site aws-west (not a target of this version)", reason("aws-west", e));
    }

    @Test
    void siteAlreadyCompletedIsDroppedForThatSiteOnly() {
        // global status stays PENDING while the other site is pending
        ObjectNode md = Entries.siteStatus(Entries.metadata("k1", VID, "siteA", "siteB"), "siteA", "COMPLETED");
        LogEntry e = Entries.versionPut("k1", VID, md);
        assertFalseKept(filter("site", "siteA"), e);
        assertEquals("not pending for site siteA (site status COMPLETED)", reason("siteA", e));
        assertTrue(kept(filter("site", "siteB"), e));
        assertTrue(kept(filter(), e));
    }

    @Test
    void twoPendingSitesAreKeptForEach() {
        LogEntry e = Entries.versionPut("k1", VID, Entries.metadata("k1", VID, "siteA", "siteB"));
        assertTrue(kept(filter("site", "siteA"), e));
        assertTrue(kept(filter("site", "siteB"), e));
        assertTrue(kept(filter(), e));
        assertFalseKept(filter("site", "siteC"), e);
    }

    @Test
    void noSiteSettingNeedsSomeSitePending() {
        ObjectNode md = Entries.metadata("k1", VID, "siteA", "siteB");
        Entries.siteStatus(md, "siteA", "COMPLETED");
        Entries.siteStatus(md, "siteB", "FAILED");
        // inconsistent on purpose: global PENDING but no site pending
        LogEntry e = Entries.versionPut("k1", VID, md);
        assertFalseKept(filter(), e);
        assertEquals("not pending for any site", reason(null, e));
    }

    @Test
    void sitesNamedOnlyInStorageClassArePendingWithTheGlobalStatus() {
        ObjectNode md = Entries.metadata("k1", VID, "siteA");
        Entries.ri(md).putArray("backends");
        Entries.ri(md).put("storageClass", "siteA,siteB:preferred_read");
        LogEntry e = Entries.versionPut("k1", VID, md);
        assertTrue(kept(filter("site", "siteA"), e));
        assertTrue(kept(filter("site", "siteB"), e));
        assertFalseKept(filter("site", "siteC"), e);
    }

    @Test
    void taggingUpdateIsKeptAsMetadataOnlyEntry() {
        ObjectNode md = Entries.metadata("k1", VID, "zenko");
        ((ObjectNode) md.get("tags")).put("color", "blue");
        Entries.ri(md).putArray("content").add("METADATA").add("PUT_TAGGING");
        assertTrue(kept(filter("site", "zenko"), Entries.versionPut("k1", VID, md)));
    }

    @Test
    void deleteMarkerIsKept() {
        ObjectNode md = Entries.metadata("k1", VID, "zenko");
        md.put("isDeleteMarker", true);
        md.put("content-length", 0);
        md.putNull("location");
        md.put("originOp", "s3:ObjectRemoved:DeleteMarkerCreated");
        Entries.ri(md).putArray("content").add("METADATA");
        assertTrue(kept(filter("site", "zenko"), Entries.versionPut("k1", VID, md)));
    }

    @Test
    void deleteEntriesAreDropped() {
        ObjectNode md = Entries.metadata("k1", VID, "zenko");
        md.put("deleted", true);
        // the three-write delete carries the metadata; a plain delete carries none
        LogEntry withMetadata = Entries.delete("k1", VID, md);
        LogEntry plainMaster = Entries.delete("p1", null, null);
        for (LogEntry e : List.of(withMetadata, plainMaster)) {
            assertFalseKept(filter(), e);
            assertFalseKept(filter("site", "zenko"), e);
            assertEquals("delete entry", reason("zenko", e));
        }
    }

    @Test
    void coldLocationIsDropped() {
        ObjectNode md = Entries.metadata("k1", VID, "zenko");
        md.put("dataStoreName", "glacier");
        LogEntry cold = Entries.versionPut("k1", VID, md);
        assertFalseKept(filter("site", "zenko", "cold.locations", "dmf, glacier"), cold);
        assertEquals("object is on cold location glacier", reason("zenko", cold));
        // the same object is replicated when its location is not listed as cold
        assertTrue(kept(filter("site", "zenko", "cold.locations", "dmf"), cold));
        assertTrue(kept(filter("site", "zenko"), cold));
    }

    @Test
    void placeholderMasterIsDropped() {
        ObjectNode md = Entries.metadata("dir/k2", VID, "zenko");
        md.put("isPHD", true);
        LogEntry e = Entries.masterPut("dir/k2", md);
        assertFalseKept(filter(), e);
        assertEquals("placeholder master (isPHD)", reason(null, e));
    }

    @Test
    void bucketEntriesAreDroppedOrKeptAsConfigured() {
        LogEntry bucket = Entries.bucketPut("src");
        assertFalseKept(filter(), bucket);
        assertTrue(kept(filter("bucket.entries", "keep"), bucket));
        assertTrue(kept(filter("bucket.entries", "KEEP", "site", "zenko"), bucket));
        assertEquals("bucket entry", reason("zenko", bucket));
    }

    @Test
    void heartbeatsAreDroppedOrKeptAsConfigured() {
        SinkRecord hb = Entries.heartbeat();
        assertNull(filter().apply(hb));
        assertSame(hb, filter("heartbeats", "keep").apply(hb));
        // a renamed heartbeat topic is configured on the filter too
        SinkRecord other = new SinkRecord("hb-2", 0, null, "k", null, null, 1);
        assertSame(other, filter("heartbeats", "keep", "heartbeat.topic", "hb-2").apply(other));
        assertThrows(DataException.class, () -> filter("heartbeats", "keep").apply(other),
                "a null value on another topic is not a heartbeat");
    }

    @Test
    void nullValueFailsWithAMessageNamingTheRecord() {
        SinkRecord r = Entries.raw("src/k1", null, null);
        DataException e = assertThrows(DataException.class, () -> filter().apply(r));
        assertEquals("ReplicationFilter: record backbeat-metadata-log-0@" + r.kafkaOffset() + " key 'src/k1' is not "
                + "a valid metadata log entry: the record has no value (null); a metadata log record carries a "
                + "io.backbeat.connect.LogEntry struct", e.getMessage());
    }

    @Test
    void wrongSchemaFails() {
        Schema other = SchemaBuilder.struct().name("com.example.Other").field("a", Schema.STRING_SCHEMA).build();
        SinkRecord r = Entries.raw("src/k1", other, new Struct(other).put("a", "x"));
        DataException e = assertThrows(DataException.class, () -> filter().apply(r));
        assertTrue(e.getMessage().endsWith("the record value has schema com.example.Other, not "
                + "io.backbeat.connect.LogEntry"), e.getMessage());
        SinkRecord text = Entries.raw("src/k1", Schema.STRING_SCHEMA, "hello");
        DataException e2 = assertThrows(DataException.class, () -> filter().apply(text));
        assertTrue(e2.getMessage().contains("the record value is a java.lang.String"), e2.getMessage());
    }

    @Test
    void structWithMissingFieldFails() {
        Schema partial = SchemaBuilder.struct().name(LogEntry.SCHEMA_NAME).field("kind", Schema.STRING_SCHEMA).build();
        SinkRecord r = Entries.raw("src/k1", partial, new Struct(partial).put("kind", "object"));
        DataException e = assertThrows(DataException.class, () -> filter().apply(r));
        assertTrue(e.getMessage().contains("the log entry is malformed"), e.getMessage());
    }

    @Test
    void unparseableMetadataFails() {
        LogEntry e = LogEntry.object(LogEntry.Type.PUT, "src", "k1", null, "\u007fMk1", "{not json", 1L);
        DataException ex = assertThrows(DataException.class, () -> filter().apply(Entries.record(e)));
        assertTrue(ex.getMessage().contains("key 'src/k1' is not a valid metadata log entry: the object metadata "
                + "cannot be parsed"), ex.getMessage());
        ObjectNode bad = Entries.metadata("k1", VID, "zenko");
        Entries.ri(bad).put("status", "DONE");
        DataException ex2 = assertThrows(DataException.class,
                () -> filter().apply(Entries.record(Entries.versionPut("k1", VID, bad))));
        assertTrue(ex2.getMessage().contains("unknown replication status \"DONE\""), ex2.getMessage());
    }

    @Test
    void invalidRecordsAreDroppedWhenConfigured() {
        ReplicationFilter<SinkRecord> f = filter("on.invalid", "drop", "site", "zenko");
        assertNull(f.apply(Entries.raw("src/k1", null, null)));
        assertNull(f.apply(Entries.raw("src/k1", Schema.STRING_SCHEMA, "hello")));
        assertNull(f.apply(Entries.record(
                LogEntry.object(LogEntry.Type.PUT, "src", "k1", null, "\u007fMk1", "[]", 1L))));
        // and the filter goes on with valid records
        assertTrue(kept(f, Entries.versionPut("k1", VID, Entries.metadata("k1", VID, "zenko"))));
    }

    @Test
    void schemalessMapValueIsRead() {
        LogEntry e = Entries.versionPut("k1", VID, Entries.metadata("k1", VID, "zenko"));
        Map<String, Object> map = new HashMap<>();
        Struct s = e.toStruct();
        s.schema().fields().forEach(field -> map.put(field.name(), s.get(field)));
        SinkRecord r = Entries.raw(e.kafkaKey(), null, map);
        assertSame(r, filter("site", "zenko").apply(r));
        assertNull(filter("site", "other").apply(r));
    }

    @Test
    void badSettingsAreRejectedOnTheirKey() {
        ConfigException e1 = assertThrows(ConfigException.class, () -> filter("on.invalid", "ignore"));
        assertTrue(e1.getMessage().contains("on.invalid"), e1.getMessage());
        ConfigException e2 = assertThrows(ConfigException.class, () -> filter("site", "a,b"));
        assertTrue(e2.getMessage().contains("site") && e2.getMessage().contains("one site per filter"),
                e2.getMessage());
        ConfigException e3 = assertThrows(ConfigException.class, () -> filter("bucket.entries", "maybe"));
        assertTrue(e3.getMessage().contains("bucket.entries"), e3.getMessage());
    }

    @Test
    void reportsTheProjectVersion() {
        assertTrue(filter().version().matches("\\d+\\.\\d+\\.\\d+.*"), filter().version());
    }

    private static void assertFalseKept(ReplicationFilter<SinkRecord> f, LogEntry e) {
        assertNull(f.apply(Entries.record(e)), () -> "expected " + e + " to be dropped");
    }
}
