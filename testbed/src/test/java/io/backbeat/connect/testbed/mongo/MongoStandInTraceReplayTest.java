package io.backbeat.connect.testbed.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.changestream.FullDocument;

/**
 * Replays the 54 write statements CloudServer 8.8 sent to a real MongoDB (fixtures/cloudserver-8.8) into the
 * stand-in, checking every reply, while a database-level {@code watch()} with {@code updateLookup} reads the
 * events in lockstep: each event must be exactly what a real replica set emits for that statement.
 */
class MongoStandInTraceReplayTest {

    /**
     * The event a real server emits for each statement, seq 1..54 ("none": no event). Derived from each line's
     * {@code oplog} field (i → insert, u → update, d → delete; {@code create} → none, a 5.0 stream shows no
     * create without showExpandedEvents). The four findAndModify lines (30, 32, 33, 43) carry an empty
     * {@code oplog} field in the recording, yet their post-images show {@code value.deleted} turned true: a
     * modifying findAndModify is logged as an update on a real server, so they expect "update". The test checks
     * this table against the fixture before replaying.
     */
    private static final List<String> EXPECTED_EVENTS = List.of(
            /* 1-5 */ "insert", "insert", "none", "insert", "update",
            /* 6-10 */ "update", "update", "insert", "none", "insert",
            /* 11-15 */ "update", "insert", "insert", "insert", "update",
            /* 16-20 */ "insert", "insert", "update", "update", "update",
            /* 21-25 */ "update", "insert", "none", "insert", "insert",
            /* 26-30 */ "insert", "update", "insert", "insert", "update",
            /* 31-35 */ "update", "update", "update", "update", "update",
            /* 36-40 */ "delete", "delete", "delete", "insert", "delete",
            /* 41-45 */ "update", "delete", "update", "update", "delete",
            /* 46-50 */ "insert", "update", "delete", "insert", "insert",
            /* 51-54 */ "update", "update", "insert", "insert");

    private static MongoStandIn mongo;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        mongo = MongoStandIn.launch();
        client = MongoClients.create(mongo.connectionString());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (mongo != null) {
            mongo.close();
        }
    }

    @Test
    void replayOfTheCloudServerTraceYieldsTheEventsOfARealReplicaSet() {
        List<TraceFixture.Write> writes = TraceFixture.writes();
        assertEquals(54, writes.size(), "statements in writes.jsonl");
        assertEquals(54, EXPECTED_EVENTS.size());
        writes.forEach(MongoStandInTraceReplayTest::checkExpectationAgainstFixture);

        MongoDatabase metadata = client.getDatabase("metadata");
        Map<String, BsonDocument> currentImages = new HashMap<>();
        Set<String> tokens = new HashSet<>();
        BsonTimestamp lastClusterTime = null;
        int events = 0;
        try (MongoCursor<BsonDocument> stream = metadata.watch()
                .fullDocument(FullDocument.UPDATE_LOOKUP)
                .maxAwaitTime(50, TimeUnit.MILLISECONDS)
                .withDocumentClass(BsonDocument.class)
                .cursor()) {
            for (TraceFixture.Write write : writes) {
                String where = "seq " + write.seq() + " (" + write.op() + " " + write.coll() + ")";
                BsonDocument reply = metadata.runCommand(command(write), BsonDocument.class);
                checkReply(write, reply, where);

                String expected = EXPECTED_EVENTS.get(write.seq() - 1);
                if (expected.equals("none")) {
                    continue;
                }
                BsonDocument event = next(stream, where);
                events++;
                assertEquals(expected, event.getString("operationType").getValue(), where + ": operationType");
                assertEquals(new BsonDocument("db", new BsonString("metadata")).append("coll", new BsonString(write.coll())),
                        event.getDocument("ns"), where + ": ns");
                assertEquals(new BsonDocument("_id", write.documentId()), event.getDocument("documentKey"),
                        where + ": documentKey");
                assertTrue(tokens.add(event.getDocument("_id").getString("_data").getValue()), where + ": unique token");
                BsonTimestamp clusterTime = event.getTimestamp("clusterTime");
                assertTrue(lastClusterTime == null || clusterTime.compareTo(lastClusterTime) > 0,
                        where + ": clusterTime increases");
                lastClusterTime = clusterTime;
                assertTrue(event.isDateTime("wallTime"), where + ": wallTime");

                String key = write.coll() + "/" + write.documentId();
                switch (expected) {
                    case "insert" -> {
                        assertSameDocument(write.postImage(), event.getDocument("fullDocument"), where + ": fullDocument");
                        assertFalse(event.containsKey("updateDescription"), where);
                    }
                    case "update" -> {
                        // read in lockstep, so the lookup sees exactly this statement's post-image
                        assertSameDocument(write.postImage(), event.getDocument("fullDocument"), where + ": fullDocument");
                        BsonDocument description = event.getDocument("updateDescription");
                        assertFalse(description.getDocument("updatedFields").containsKey("_id"),
                                where + ": unchanged _id is not reported");
                        assertEquals(new BsonArray(), description.getArray("truncatedArrays"), where);
                        BsonDocument rebuilt = apply(currentImages.get(key), description);
                        assertSameDocument(write.postImage(), rebuilt, where + ": previous image + updateDescription");
                    }
                    case "delete" -> {
                        assertNull(write.postImage(), where + ": the fixture deletes the document");
                        assertFalse(event.containsKey("fullDocument"), where + ": a delete has no fullDocument");
                    }
                    default -> fail("unexpected " + expected);
                }
                if (write.postImage() == null) {
                    currentImages.remove(key);
                } else {
                    currentImages.put(key, write.postImage());
                }
            }
            assertNull(stream.tryNext(), "no event beyond the 51 of the trace");
        }
        assertEquals(51, events);
        checkFinalDump(metadata);
    }

    @Test
    void updateDescriptionsNameWhatCloudServerWrote() {
        // CloudServer rewrites the whole value: the event reports "value" as a whole, never leaf paths
        MongoDatabase db = client.getDatabase("descriptions");
        BsonDocument first = BsonDocument.parse("{_id: 'k', value: {a: 1, b: {c: 2}}}");
        try (MongoCursor<BsonDocument> stream = db.watch().maxAwaitTime(50, TimeUnit.MILLISECONDS)
                .withDocumentClass(BsonDocument.class).cursor()) {
            db.getCollection("bucket", BsonDocument.class).insertOne(first);
            db.getCollection("bucket", BsonDocument.class).updateOne(new BsonDocument("_id", new BsonString("k")),
                    BsonDocument.parse("{$set: {_id: 'k', value: {a: 1, b: {c: 3}}}}"));
            db.getCollection("bucket", BsonDocument.class).updateOne(new BsonDocument("_id", new BsonString("k")),
                    BsonDocument.parse("{$set: {'value.deleted': true, 'x.y': 1}, $unset: {'value.a': ''}}"));
            assertEquals("insert", next(stream, "insert").getString("operationType").getValue());
            BsonDocument wholeValue = next(stream, "whole value").getDocument("updateDescription");
            assertEquals(BsonDocument.parse("{value: {a: 1, b: {c: 3}}}"), wholeValue.getDocument("updatedFields"));
            assertEquals(new BsonArray(), wholeValue.getArray("removedFields"));
            BsonDocument paths = next(stream, "paths").getDocument("updateDescription");
            assertEquals(BsonDocument.parse("{'value.deleted': true, x: {y: 1}}"), paths.getDocument("updatedFields"),
                    "a path under a missing field is reported at the missing field");
            assertEquals(new BsonArray(List.of(new BsonString("value.a"))), paths.getArray("removedFields"));
        }
    }

    /** The table above must agree with the recording wherever the recording names an oplog entry. */
    private static void checkExpectationAgainstFixture(TraceFixture.Write write) {
        String expected = EXPECTED_EVENTS.get(write.seq() - 1);
        List<BsonDocument> oplog = write.oplog();
        String where = "seq " + write.seq();
        if (write.op().equals("findAndModify")) {
            assertTrue(oplog.isEmpty(), where + ": the recording has no oplog entry for findAndModify");
            assertEquals("update", expected, where);
            assertNotNull(write.postImage(), where);
            return;
        }
        if (oplog.isEmpty()) {
            assertEquals("none", expected, where);
            return;
        }
        assertEquals(1, oplog.size(), where + ": one entry per statement");
        String op = oplog.get(0).getString("op").getValue();
        assertEquals(switch (op) {
            case "i" -> "insert";
            case "u" -> "update";
            case "d" -> "delete";
            default -> "op " + op;
        }, expected, where);
        assertEquals(write.documentId(), oplog.get(0).get("_id"), where + ": _id");
    }

    /** The one-statement command of a line (its bookkeeping keys dropped), as README.md describes. */
    private static BsonDocument command(TraceFixture.Write write) {
        BsonDocument line = write.line();
        BsonString coll = new BsonString(write.coll());
        return switch (write.op()) {
            case "update" -> {
                BsonDocument statement = new BsonDocument("q", line.get("q")).append("u", line.get("u"));
                copy(line, statement, "upsert", "multi", "arrayFilters");
                yield new BsonDocument("update", coll).append("updates", new BsonArray(List.of(statement)))
                        .append("ordered", line.getDocument("cmdOpts").get("ordered"));
            }
            case "delete" -> new BsonDocument("delete", coll).append("deletes", new BsonArray(List.of(
                            new BsonDocument("q", line.get("q")).append("limit", line.get("limit")))))
                    .append("ordered", line.getDocument("cmdOpts").get("ordered"));
            case "findAndModify" -> {
                BsonDocument cmd = new BsonDocument("findAndModify", coll);
                copy(line, cmd, "query", "update", "remove", "new", "upsert", "sort", "fields");
                yield cmd;
            }
            case "create" -> new BsonDocument("create", coll);
            default -> throw new IllegalArgumentException("seq " + write.seq() + ": unknown op " + write.op());
        };
    }

    private static void copy(BsonDocument from, BsonDocument to, String... keys) {
        for (String key : keys) {
            if (from.containsKey(key)) {
                to.append(key, from.get(key));
            }
        }
    }

    private static void checkReply(TraceFixture.Write write, BsonDocument actual, String where) {
        BsonDocument expected = write.reply();
        assertEquals(1, actual.getNumber("ok").intValue(), where + ": ok in " + actual.toJson());
        assertFalse(actual.containsKey("writeErrors"), where + ": " + actual.toJson());
        switch (write.op()) {
            case "update" -> {
                assertEquals(expected.getNumber("n").intValue(), actual.getNumber("n").intValue(), where + ": n");
                assertEquals(expected.getNumber("nModified").intValue(), actual.getNumber("nModified").intValue(),
                        where + ": nModified");
                assertEquals(expected.get("upserted"), actual.get("upserted"), where + ": upserted");
            }
            case "delete" -> assertEquals(expected.getNumber("n").intValue(), actual.getNumber("n").intValue(),
                    where + ": n");
            case "findAndModify" -> {
                BsonDocument expectedLeo = expected.getDocument("lastErrorObject");
                BsonDocument actualLeo = actual.getDocument("lastErrorObject");
                assertEquals(expectedLeo.getBoolean("updatedExisting"), actualLeo.getBoolean("updatedExisting"), where);
                assertEquals(expectedLeo.getNumber("n").intValue(), actualLeo.getNumber("n").intValue(), where);
                assertEquals(expected.get("valueId"), actual.getDocument("value").get("_id"), where + ": value");
            }
            case "create" -> {
                // ok checked above
            }
            default -> fail(where + ": unknown op");
        }
    }

    private static void checkFinalDump(MongoDatabase metadata) {
        Map<String, List<BsonDocument>> dump = TraceFixture.finalDump();
        Set<String> collections = new TreeSet<>();
        for (String name : metadata.listCollectionNames()) {
            if (!name.startsWith("system.")) {
                collections.add(name);
            }
        }
        assertEquals(new TreeSet<>(dump.keySet()), collections, "collections of the metadata database");
        for (Map.Entry<String, List<BsonDocument>> collection : dump.entrySet()) {
            List<BsonDocument> actual = metadata.getCollection(collection.getKey(), BsonDocument.class)
                    .find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
            assertEquals(collection.getValue().size(), actual.size(), collection.getKey() + ": document count");
            for (int i = 0; i < actual.size(); i++) {
                assertSameDocument(collection.getValue().get(i), actual.get(i), "final " + collection.getKey());
            }
        }
    }

    /** Same fields, values and field order. */
    private static void assertSameDocument(BsonDocument expected, BsonDocument actual, String what) {
        assertNotNull(actual, what);
        assertEquals(expected.toJson(), actual.toJson(), what);
    }

    /** The previous image with an update event's changes applied (dotted paths create sub-documents). */
    private static BsonDocument apply(BsonDocument previous, BsonDocument description) {
        BsonDocument result = previous.clone();
        for (Map.Entry<String, BsonValue> updated : description.getDocument("updatedFields").entrySet()) {
            String[] path = updated.getKey().split("\\.");
            BsonDocument parent = result;
            for (int i = 0; i < path.length - 1; i++) {
                if (!parent.isDocument(path[i])) {
                    parent.put(path[i], new BsonDocument());
                }
                parent = parent.getDocument(path[i]);
            }
            parent.put(path[path.length - 1], updated.getValue());
        }
        for (BsonValue removed : description.getArray("removedFields")) {
            String[] path = removed.asString().getValue().split("\\.");
            BsonDocument parent = result;
            for (int i = 0; i < path.length - 1; i++) {
                parent = parent.getDocument(path[i]);
            }
            parent.remove(path[path.length - 1]);
        }
        return result;
    }

    /** The next event, waiting at most 5 s. */
    static BsonDocument next(MongoCursor<BsonDocument> stream, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            BsonDocument event = stream.tryNext();
            if (event != null) {
                return event;
            }
        }
        throw new AssertionError("no change event within 5 s for " + what);
    }

}
