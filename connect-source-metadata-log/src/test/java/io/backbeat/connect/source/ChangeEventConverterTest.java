package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.MetadataJson;
import io.backbeat.connect.model.VersionIds;
import io.backbeat.connect.source.ChangeEventConverter.Entry;
import io.backbeat.connect.source.ChangeEventConverter.Malformed;
import io.backbeat.connect.source.ChangeEventConverter.Outcome;
import io.backbeat.connect.source.ChangeEventConverter.SkipKind;
import io.backbeat.connect.source.ChangeEventConverter.Skipped;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

class ChangeEventConverterTest {

    /** Internal version id → the name the fixture's versions.json gives it (k1.v1, k1.dm...). */
    private static final Map<String, String> VERSION_NAMES = versionNames();

    /**
     * Every entry of the recorded CloudServer trace, in order, written down step by step:
     * {@code kind type kafkaKey version-name document [metadata]}.
     */
    static final List<String> TRACE_ENTRIES = List.of(
            // a. create bucket src (transient, then final), versioning on, replication rule; bucket plain
            "bucket put src - - md",
            "bucket put src - - md",
            "bucket put src - - md",
            "bucket put src - - md",
            "bucket put plain - - md",
            "bucket put plain - - md",
            // b. put src/k1, overwrite src/k1, put src/dir/k2: version then master each time
            "object put src/k1 k1.v1 version md",
            "object put src/k1 k1.v1 master md",
            "object put src/k1 k1.v2 version md",
            "object put src/k1 k1.v2 master md",
            "object put src/dir/k2 k2.v1 version md",
            "object put src/dir/k2 k2.v1 master md",
            // c. put-object-tagging, delete-object-tagging on k1 (latest = v2): version + master each
            "object put src/k1 k1.v2 version md",
            "object put src/k1 k1.v2 master md",
            "object put src/k1 k1.v2 version md",
            "object put src/k1 k1.v2 master md",
            // d. multipart upload src/big: the shadow bucket is invisible; completion = version + master
            "object put src/big big.v1 version md",
            "object put src/big big.v1 master md",
            // e. delete src/k1 → delete-marker version, then the master is removed (bare delete: an entry)
            "object put src/k1 k1.dm version md",
            "object delete src/k1 - master -",
            // e. delete src/dir/k2 by version id: the version is removed; the placeholder master is skipped
            "object delete src/dir/k2 k2.v1 version -",
            // f. non-versioned bucket plain: put, overwrite, plain delete (no lifecycle → no metadata)
            "object put plain/p1 - master md",
            "object put plain/p1 - master md",
            "object delete plain/p1 - master -",
            // g. copy-object src/k3
            "object put src/k3 k3.v1 version md",
            "object put src/k3 k3.v1 master md",
            // h. status write-back COMPLETED on k1 v1 (only the version: the master holds the delete marker)
            "object put src/k1 k1.v1 version md",
            // i. replication rule disabled, then src/k4 (empty replicationInfo)
            "bucket put src - - md",
            "object put src/k4 k4.v1 version md",
            "object put src/k4 k4.v1 master md");

    @Test
    void traceBecomesExactlyTheExpectedEntries() {
        Result r = convertAll(TraceEvents.events(false));
        assertEquals(TRACE_ENTRIES, r.rendered());
        // shadow bucket (its __metastore document, its collection), users..bucket, __usersbucket
        assertEquals(14, r.skipped.get(SkipKind.FILTERED));
        assertEquals(2, r.skipped.get(SkipKind.PLACEHOLDER)); // PHD master set, PHD master flagged deleted
        assertEquals(1, r.skipped.get(SkipKind.DELETE_FOLLOW_UP)); // the PHD master's removal
        assertEquals(0, r.malformed.size());
    }

    @Test
    void findAndModifyEventsOfARealServerChangeNothing() {
        Result r = convertAll(TraceEvents.events(true));
        assertEquals(TRACE_ENTRIES, r.rendered());
        assertEquals(17, r.skipped.get(SkipKind.FILTERED));
        assertEquals(2, r.skipped.get(SkipKind.PLACEHOLDER));
        assertEquals(2, r.skipped.get(SkipKind.DELETE_FOLLOW_UP));
    }

    @Test
    void entriesCarryTheDocumentValueTheRawKeyAndTheExternalVersionId() {
        List<TraceEvents.Write> writes = TraceEvents.writes();
        ChangeEventConverter c = converter();
        TraceEvents.Write putK1 = writes.get(11); // seq 12: version k1.v1
        LogEntry e = entry(c.convert(TraceEvents.event(putK1, "insert", "\u007fVk1\u000098204691715422999999RG001  16051.0",
                putK1.postImage(), null)));
        assertEquals("\u007fVk1\u000098204691715422999999RG001  16051.0", e.rawKey());
        assertEquals("39383230343639313731353432323939393939395247303031202031363035312e30", e.versionId());
        assertEquals(putK1.postImage().getDocument("value"), BsonDocument.parse(e.metadata()));
        assertEquals((putK1.statement().getInt64("atMs").getValue() / 1000) * 1000, e.operationTimeMs());
        assertEquals("src/k1", e.kafkaKey());
        // relaxed Extended JSON: plain numbers, no {"$numberInt": ...}
        assertFalse(e.metadata().contains("$number"), e.metadata());
        assertEquals(12, MetadataJson.parseObject(e.metadata(), "entry metadata").get("content-length").intValue());
    }

    @Test
    void wallTimeGivesMillisecondPrecisionWhenTheServerSendsIt() {
        TraceEvents.Write w = TraceEvents.writes().get(11);
        BsonDocument event = TraceEvents.event(w, "insert", "\u007fVk1\u000098204691715422999999RG001  16051.0",
                w.postImage(), null);
        event.append("wallTime", new org.bson.BsonDateTime(1795308284123L));
        assertEquals(1795308284123L, entry(converter().convert(event)).operationTimeMs());
    }

    // ---- the three-write delete (bucket with lifecycle/notification) ----

    private static final String OBJ = "\u007fMobj";

    private static BsonDocument objValue(boolean deleted) {
        return new BsonDocument("key", new BsonString("obj"))
                .append("versionId", new BsonString("98204691715422999999RG001  16051.9"))
                .append("content-length", new BsonInt32(3))
                .append("isDeleteMarker", BsonBoolean.FALSE)
                .append("deleted", BsonBoolean.valueOf(deleted))
                .append("isPHD", BsonBoolean.FALSE);
    }

    private static BsonDocument ev(int seq, String op, String id, BsonDocument fullDoc, BsonDocument updated) {
        BsonDocument e = new BsonDocument("_id", new BsonDocument("_data", new BsonString("t" + seq)))
                .append("operationType", new BsonString(op))
                .append("clusterTime", new BsonTimestamp(1795308300, seq))
                .append("ns", new BsonDocument("db", new BsonString("metadata")).append("coll", new BsonString("lc")))
                .append("documentKey", new BsonDocument("_id", new BsonString(id)));
        if (!op.equals("delete")) {
            e.append("fullDocument", fullDoc == null ? BsonNull.VALUE
                    : new BsonDocument("_id", new BsonString(id)).append("value", fullDoc));
        }
        if (updated != null) {
            e.append("updateDescription", new BsonDocument("updatedFields", updated));
        }
        return e;
    }

    @Test
    void threeWriteDeleteReadInTimeIsOneDeleteEntryWithMetadata() {
        ChangeEventConverter c = converter();
        LogEntry del = entry(c.convert(ev(1, "update", OBJ, objValue(true),
                new BsonDocument("value.deleted", BsonBoolean.TRUE))));
        assertEquals(LogEntry.Type.DELETE, del.type());
        assertEquals(objValue(true), BsonDocument.parse(del.metadata()));
        assertEquals(VersionIds.encode("98204691715422999999RG001  16051.9"), del.versionId());
        assertSkipped(SkipKind.DELETE_FOLLOW_UP, c.convert(ev(2, "update", OBJ, objValue(true),
                new BsonDocument("value", objValue(true)))));
        assertSkipped(SkipKind.DELETE_FOLLOW_UP, c.convert(ev(3, "delete", OBJ, null, null)));
        assertTrue(c.deletes().isEmpty());
    }

    @Test
    void threeWriteDeleteReadAfterTheRemovalTakesTheMetadataFromTheWholeValueWrite() {
        ChangeEventConverter c = converter();
        // updateLookup finds nothing any more: fullDocument null
        assertSkipped(SkipKind.DOCUMENT_GONE, c.convert(ev(1, "update", OBJ, null,
                new BsonDocument("value.deleted", BsonBoolean.TRUE))));
        LogEntry del = entry(c.convert(ev(2, "update", OBJ, null, new BsonDocument("value", objValue(true)))));
        assertEquals(LogEntry.Type.DELETE, del.type());
        assertEquals(objValue(true), BsonDocument.parse(del.metadata()));
        assertSkipped(SkipKind.DELETE_FOLLOW_UP, c.convert(ev(3, "delete", OBJ, null, null)));
    }

    @Test
    void aFlaggedDeleteWhoseMetadataNeverCameIsStillOneEntryAtTheRemoval() {
        ChangeEventConverter c = converter();
        assertSkipped(SkipKind.DOCUMENT_GONE, c.convert(ev(1, "update", OBJ, null,
                new BsonDocument("value.deleted", BsonBoolean.TRUE))));
        LogEntry del = entry(c.convert(ev(3, "delete", OBJ, null, null)));
        assertEquals(LogEntry.Type.DELETE, del.type());
        assertNull(del.metadata());
    }

    @Test
    void restartBetweenTheFlaggedWriteAndTheRemovalStillDropsTheRemoval() {
        ChangeEventConverter first = converter();
        entry(first.convert(ev(1, "update", OBJ, objValue(true), new BsonDocument("value.deleted", BsonBoolean.TRUE))));
        String stored = first.deletes().serialize(); // what the entry's source offset carries
        ChangeEventConverter restarted = new ChangeEventConverter(BucketFilter.all(), DeleteTracker.parse(stored));
        assertSkipped(SkipKind.DELETE_FOLLOW_UP, restarted.convert(ev(2, "update", OBJ, objValue(true),
                new BsonDocument("value", objValue(true)))));
        assertSkipped(SkipKind.DELETE_FOLLOW_UP, restarted.convert(ev(3, "delete", OBJ, null, null)));
        // without the state, the removal would have been a second entry
        assertInstanceOf(Entry.class, converter().convert(ev(3, "delete", OBJ, null, null)));
    }

    @Test
    void aNewWriteAfterAnUnfinishedDeleteEndsIt() {
        ChangeEventConverter c = converter();
        entry(c.convert(ev(1, "update", OBJ, objValue(true), new BsonDocument("value.deleted", BsonBoolean.TRUE))));
        assertEquals(LogEntry.Type.PUT, entry(c.convert(ev(2, "insert", OBJ, objValue(false), null))).type());
        assertEquals(LogEntry.Type.DELETE, entry(c.convert(ev(3, "delete", OBJ, null, null))).type());
    }

    @Test
    void aVersionDeleteNamesItsVersion() {
        LogEntry del = entry(converter().convert(ev(1, "delete", "\u007fVobj\u000098204691715422999999RG001  16051.9",
                null, null)));
        assertEquals("obj", del.objectKey());
        assertEquals(VersionIds.encode("98204691715422999999RG001  16051.9"), del.versionId());
    }

    @Test
    void v0KeysAreObjectKeysToo() {
        LogEntry put = entry(converter().convert(ev(1, "insert", "obj\u000098204691715422999999RG001  16051.9",
                objValue(false), null)));
        assertEquals("lc/obj", put.kafkaKey());
        assertEquals(VersionIds.encode("98204691715422999999RG001  16051.9"), put.versionId());
        assertEquals("obj", entry(converter().convert(ev(2, "insert", "obj", objValue(false), null))).objectKey());
    }

    // ---- malformed and filtered ----

    @Test
    void malformedEventsNameBucketKeyAndProblem() {
        ChangeEventConverter c = converter();
        Malformed noValue = malformed(c.convert(ev(1, "insert", OBJ, null, null).append("fullDocument",
                new BsonDocument("_id", new BsonString(OBJ)).append("value", new BsonString("oops")))));
        assertEquals("lc", noValue.bucket());
        assertEquals(OBJ, noValue.rawKey());
        assertTrue(noValue.reason().contains("value"), noValue.reason());

        Malformed badKey = malformed(c.convert(ev(2, "insert", "\u007fVobj", objValue(false), null)));
        assertEquals("\u007fVobj", badKey.rawKey());
        assertTrue(badKey.reason().contains("separator"), badKey.reason());

        BsonDocument intId = ev(3, "insert", OBJ, objValue(false), null);
        intId.put("documentKey", new BsonDocument("_id", new BsonInt32(7)));
        assertTrue(malformed(c.convert(intId)).reason().contains("documentKey._id"));

        BsonDocument noNs = ev(4, "insert", OBJ, objValue(false), null);
        noNs.remove("ns");
        assertTrue(malformed(c.convert(noNs)).reason().contains("ns.coll"));

        BsonDocument badMetadata = ev(5, "insert", OBJ, objValue(false).append("content-length",
                new BsonString("three")), null);
        Malformed bad = malformed(c.convert(badMetadata));
        assertTrue(bad.reason().contains("content-length"), bad.reason());

        // and the converter goes on
        assertEquals(LogEntry.Type.PUT, entry(c.convert(ev(6, "insert", OBJ, objValue(false), null))).type());
    }

    @Test
    void bucketFilterAppliesToObjectsAndBucketEntries() {
        BucketFilter only = new BucketFilter(List.of("src"), List.of(), Optional.empty(), Optional.empty());
        Result r = convertAll(TraceEvents.events(false), only);
        assertTrue(r.rendered().stream().allMatch(s -> s.contains(" src")), r.rendered().toString());
        assertEquals(TRACE_ENTRIES.stream().filter(s -> s.contains(" src")).toList(), r.rendered());

        BucketFilter noPlain = new BucketFilter(List.of(), List.of(), Optional.empty(), Optional.of(Pattern.compile("pl.*")));
        assertEquals(TRACE_ENTRIES.stream().filter(s -> !s.contains("plain")).toList(),
                convertAll(TraceEvents.events(false), noPlain).rendered());
    }

    @Test
    void invalidateEndsTheStreamAndDropIsNotAWrite() {
        ChangeEventConverter c = converter();
        assertInstanceOf(ChangeEventConverter.StreamEnd.class, c.convert(new BsonDocument("operationType",
                new BsonString("invalidate"))));
        BsonDocument drop = new BsonDocument("operationType", new BsonString("drop"))
                .append("ns", new BsonDocument("db", new BsonString("metadata")).append("coll", new BsonString("src")));
        assertSkipped(SkipKind.NOT_A_WRITE, c.convert(drop));
    }

    // ---- helpers ----

    private record Result(List<LogEntry> entries, Map<SkipKind, Integer> skipped, List<Malformed> malformed) {
        List<String> rendered() {
            return entries.stream().map(ChangeEventConverterTest::render).toList();
        }
    }

    private static Result convertAll(List<BsonDocument> events) {
        return convertAll(events, BucketFilter.all());
    }

    private static Result convertAll(List<BsonDocument> events, BucketFilter filter) {
        ChangeEventConverter c = new ChangeEventConverter(filter, new DeleteTracker());
        List<LogEntry> entries = new ArrayList<>();
        Map<SkipKind, Integer> skipped = new EnumMap<>(SkipKind.class);
        for (SkipKind k : SkipKind.values()) {
            skipped.put(k, 0);
        }
        List<Malformed> malformed = new ArrayList<>();
        for (BsonDocument e : events) {
            Outcome o = c.convert(e);
            if (o instanceof Entry en) {
                entries.add(en.entry());
                BsonDocument full = e.get("fullDocument") instanceof BsonDocument d ? d : null;
                if (full != null) { // the metadata is the document's value, unchanged
                    assertEquals(full.getDocument("value"), BsonDocument.parse(en.entry().metadata()));
                }
                assertEquals(e.getDocument("documentKey").getString("_id").getValue(), en.entry().rawKey());
            } else if (o instanceof Skipped s) {
                skipped.merge(s.kind(), 1, Integer::sum);
            } else if (o instanceof Malformed m) {
                malformed.add(m);
            }
        }
        return new Result(entries, skipped, malformed);
    }

    static String render(LogEntry e) {
        String version = e.versionId() == null ? "-" : VERSION_NAMES.getOrDefault(VersionIds.decode(e.versionId()),
                "?" + e.versionId());
        String doc = e.isBucket() ? "-" : e.metadataKey().isMaster() ? "master" : "version";
        return e.kind().wireName() + " " + e.type().wireName() + " " + e.kafkaKey() + " " + version + " " + doc + " "
                + (e.metadata() == null ? "-" : "md");
    }

    static String render(Outcome o) {
        return o instanceof Entry e ? render(e.entry()) : o.toString();
    }

    private static Map<String, String> versionNames() {
        BsonDocument versions = BsonDocument.parse(String.join("\n", TraceEvents.lines("versions.json")));
        Map<String, String> names = new HashMap<>();
        versions.forEach((name, v) -> {
            names.put(v.asDocument().getString("internalVersionId").getValue(), name);
            // the external encoding we produce is what S3 clients saw
            assertEquals(v.asDocument().getString("s3VersionId").getValue(),
                    VersionIds.encode(v.asDocument().getString("internalVersionId").getValue()));
        });
        return names;
    }

    private static ChangeEventConverter converter() {
        return new ChangeEventConverter(BucketFilter.all(), new DeleteTracker());
    }

    private static LogEntry entry(Outcome o) {
        return assertInstanceOf(Entry.class, o, () -> "expected an entry, got " + o).entry();
    }

    private static Malformed malformed(Outcome o) {
        return assertInstanceOf(Malformed.class, o, () -> "expected malformed, got " + o);
    }

    private static void assertSkipped(SkipKind kind, Outcome o) {
        assertEquals(kind, assertInstanceOf(Skipped.class, o, () -> "expected skipped, got " + render(o)).kind());
    }
}
