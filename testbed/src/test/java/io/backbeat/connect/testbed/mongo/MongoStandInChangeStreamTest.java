package io.backbeat.connect.testbed.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoNamespace;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.OperationType;
import com.mongodb.connection.ClusterType;
import com.mongodb.connection.ServerType;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;

/** Change-stream behaviour of the MongoDB stand-in, through the real driver (one stand-in per class). */
class MongoStandInChangeStreamTest {

    private static final long WAIT_SECONDS = 5;

    private static MongoStandIn mongo;
    private static MongoClient client;
    private static final AtomicInteger GET_MORES = new AtomicInteger();

    @BeforeAll
    static void start() {
        mongo = MongoStandIn.launch();
        CommandListener countGetMores = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("getMore")) {
                    GET_MORES.incrementAndGet();
                }
            }
        };
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(mongo.connectionString()))
                .addCommandListener(countGetMores)
                .build());
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
    void driverSeesAReplicaSetPrimary() {
        client.getDatabase("admin").runCommand(new Document("ping", 1));
        assertEquals(ClusterType.REPLICA_SET, client.getClusterDescription().getType());
        assertEquals(ServerType.REPLICA_SET_PRIMARY,
                client.getClusterDescription().getServerDescriptions().get(0).getType());
        Document hello = client.getDatabase("admin").runCommand(new Document("hello", 1));
        assertEquals("rs0", hello.getString("setName"));
        assertEquals(List.of(mongo.hostAndPort()), hello.getList("hosts", String.class));
        assertEquals(13, hello.getInteger("maxWireVersion"));
        assertNotNull(hello.get("operationTime"), "replies carry operationTime");
    }

    @Test
    void streamsDeliverDocumentEventsOfTheirScope() {
        MongoDatabase db = client.getDatabase("scopes");
        MongoCollection<Document> a = db.getCollection("a");
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> collStream = a.watch().cursor();
             MongoChangeStreamCursor<ChangeStreamDocument<Document>> dbStream = db.watch().cursor();
             MongoChangeStreamCursor<ChangeStreamDocument<Document>> clusterStream = client.watch().cursor()) {
            a.insertOne(new Document("_id", 1).append("x", 1));
            db.getCollection("b").insertOne(new Document("_id", 2));
            client.getDatabase("scopes-other").getCollection("c").insertOne(new Document("_id", 3));
            a.updateOne(Filters.eq("_id", 1), Updates.combine(Updates.set("x", 2), Updates.set("y.z", 1)));
            a.replaceOne(Filters.eq("_id", 1), new Document("_id", 1).append("r", true));
            a.deleteOne(Filters.eq("_id", 1));

            List<ChangeStreamDocument<Document>> coll = take(collStream, 4);
            assertEquals(List.of(OperationType.INSERT, OperationType.UPDATE, OperationType.REPLACE, OperationType.DELETE),
                    coll.stream().map(ChangeStreamDocument::getOperationType).toList());
            for (ChangeStreamDocument<Document> event : coll) {
                assertEquals(new MongoNamespace("scopes", "a"), event.getNamespace());
                assertEquals(new BsonDocument("_id", new BsonInt32(1)), event.getDocumentKey());
            }
            assertEquals(new Document("_id", 1).append("x", 1), coll.get(0).getFullDocument());
            assertEquals(BsonDocument.parse("{x: 2, y: {z: 1}}"), coll.get(1).getUpdateDescription().getUpdatedFields());
            assertNull(coll.get(1).getFullDocument(), "no fullDocument for updates without updateLookup");
            assertEquals(new Document("_id", 1).append("r", true), coll.get(2).getFullDocument());

            List<ChangeStreamDocument<Document>> dbEvents = take(dbStream, 5);
            assertEquals(List.of("a", "b", "a", "a", "a"),
                    dbEvents.stream().map(e -> e.getNamespace().getCollectionName()).toList());
            List<ChangeStreamDocument<Document>> all = take(clusterStream, 6);
            assertEquals(List.of("scopes.a", "scopes.b", "scopes-other.c", "scopes.a", "scopes.a", "scopes.a"),
                    all.stream().map(e -> e.getNamespace().getFullName()).toList());
            assertNull(collStream.tryNext());
        }
    }

    @Test
    void resumeAfterAndStartAtOperationTimeContinueWhereTheyShould() {
        MongoCollection<Document> coll = client.getDatabase("resume").getCollection("c");
        List<ChangeStreamDocument<Document>> events;
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = coll.watch().cursor()) {
            for (int i = 1; i <= 3; i++) {
                coll.insertOne(new Document("_id", i));
            }
            events = take(stream, 3);
        }
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> resumed =
                     coll.watch().resumeAfter(events.get(0).getResumeToken()).cursor()) {
            assertEquals(List.of(2, 3), ids(take(resumed, 2)));
            coll.insertOne(new Document("_id", 4));
            assertEquals(List.of(4), ids(take(resumed, 1)));
        }
        BsonTimestamp second = events.get(1).getClusterTime();
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> fromTime =
                     coll.watch().startAtOperationTime(second).cursor()) {
            assertEquals(List.of(2, 3, 4), ids(take(fromTime, 3)), "startAtOperationTime is inclusive");
        }
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> fromTime =
                     coll.watch().startAfter(events.get(2).getResumeToken()).cursor()) {
            assertEquals(List.of(4), ids(take(fromTime, 1)));
        }
    }

    @Test
    void postBatchResumeTokenAdvancesOnAQuietStreamAndResumesThere() {
        MongoDatabase db = client.getDatabase("quiet");
        BsonDocument token;
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = db.getCollection("watched").watch()
                .maxAwaitTime(20, TimeUnit.MILLISECONDS).cursor()) {
            assertNull(stream.tryNext());
            BsonDocument before = stream.getResumeToken();
            assertNotNull(before, "an empty batch carries a postBatchResumeToken");
            db.getCollection("other").insertOne(new Document("_id", 1));
            awaitTrue(() -> {
                stream.tryNext();
                return !before.equals(stream.getResumeToken());
            }, "token moves past events of other collections");
            token = stream.getResumeToken();
        }
        db.getCollection("watched").insertOne(new Document("_id", "after"));
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> resumed =
                     db.getCollection("watched").watch().resumeAfter(token).cursor()) {
            assertEquals("after", resumed.next().getDocumentKey().getString("_id").getValue());
        }
    }

    @Test
    void serverSideMatchFiltersOnNamespaceAndOperationType() {
        MongoDatabase db = client.getDatabase("matching");
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = db.watch(List.of(Aggregates.match(
                Filters.and(Filters.in("ns.coll", "kept"), Filters.in("operationType", "insert", "delete"))))).cursor()) {
            for (String coll : List.of("kept", "skipped")) {
                db.getCollection(coll).insertOne(new Document("_id", coll));
                db.getCollection(coll).updateOne(Filters.eq("_id", coll), Updates.set("x", 1));
                db.getCollection(coll).deleteOne(Filters.eq("_id", coll));
            }
            db.getCollection("kept").insertOne(new Document("_id", "last"));
            List<ChangeStreamDocument<Document>> events = take(stream, 3);
            assertEquals(List.of(OperationType.INSERT, OperationType.DELETE, OperationType.INSERT),
                    events.stream().map(ChangeStreamDocument::getOperationType).toList());
            assertTrue(events.stream().allMatch(e -> e.getNamespace().getCollectionName().equals("kept")));
        }
        // a stage that changes _id would make the stream unresumable: the server refuses the event
        try (MongoCursor<BsonDocument> stream = db.watch(List.of(Aggregates.project(new Document("_id", 0))))
                .withDocumentClass(BsonDocument.class).cursor()) {
            db.getCollection("kept").insertOne(new Document("_id", "x"));
            MongoException error = assertThrows(MongoException.class, () -> pollUntilEvent(stream));
            assertEquals(280, error.getCode());
        }
    }

    @Test
    void updateLookupResolvesAtReadTime() {
        MongoCollection<Document> coll = client.getDatabase("lookup").getCollection("c");
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream =
                     coll.watch().fullDocument(FullDocument.UPDATE_LOOKUP).cursor()) {
            coll.insertOne(new Document("_id", 1).append("v", 1));
            coll.updateOne(Filters.eq("_id", 1), Updates.set("v", 2));
            coll.updateOne(Filters.eq("_id", 1), Updates.set("v", 3));
            coll.insertOne(new Document("_id", 2).append("v", 1));
            coll.updateOne(Filters.eq("_id", 2), Updates.set("v", 2));
            coll.deleteOne(Filters.eq("_id", 2));
            List<ChangeStreamDocument<Document>> events = take(stream, 6);
            assertEquals(new Document("_id", 1).append("v", 3), events.get(1).getFullDocument(),
                    "the current document, not the one right after the update");
            assertEquals(OperationType.UPDATE, events.get(4).getOperationType());
            assertNull(events.get(4).getFullDocument(), "null once the document is gone");
        }
    }

    @Test
    void findAndModifyWritesProduceEventsAndFailedOrNoOpWritesDoNot() {
        MongoCollection<Document> coll = client.getDatabase("fam").getCollection("c");
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = coll.watch().cursor()) {
            coll.insertOne(new Document("_id", 1).append("v", 1));
            coll.findOneAndUpdate(Filters.eq("_id", 1), Updates.set("v", 2));
            coll.findOneAndUpdate(Filters.eq("_id", 1), Updates.set("v", 2)); // no change: no event
            coll.findOneAndReplace(Filters.eq("_id", 1), new Document("_id", 1).append("w", 1));
            coll.findOneAndUpdate(Filters.eq("_id", 2), Updates.set("v", 1),
                    new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
            coll.findOneAndDelete(Filters.eq("_id", 1));
            assertThrows(MongoBulkWriteException.class, () -> coll.insertMany(List.of(
                    new Document("_id", 3), new Document("_id", 2), new Document("_id", 4)),
                    new InsertManyOptions().ordered(false)));
            coll.updateOne(Filters.eq("_id", 3), Updates.set("n", null));
            coll.updateOne(Filters.eq("_id", 3), Updates.set("n", null)); // no change: no event

            List<ChangeStreamDocument<Document>> events = take(stream, 8);
            assertEquals(List.of(OperationType.INSERT, OperationType.UPDATE, OperationType.REPLACE,
                            OperationType.INSERT, OperationType.DELETE, OperationType.INSERT, OperationType.INSERT,
                            OperationType.UPDATE),
                    events.stream().map(ChangeStreamDocument::getOperationType).toList());
            assertEquals(List.of(1, 1, 1, 2, 1, 3, 4, 3), ids(events));
            assertEquals(BsonDocument.parse("{v: 2}"), events.get(1).getUpdateDescription().getUpdatedFields());
            assertEquals(new Document("_id", 2).append("v", 1), events.get(3).getFullDocument());
            assertNull(stream.tryNext(), "no event for the duplicate insert nor the no-op updates");
        }
    }

    @Test
    void dropRenameAndDropDatabaseEndTheirStreams() {
        MongoDatabase db = client.getDatabase("ddl");
        db.getCollection("a").insertOne(new Document("_id", 1));
        db.getCollection("c").insertOne(new Document("_id", 1));
        try (MongoCursor<BsonDocument> collStream = raw(db.getCollection("a").watch());
             MongoCursor<BsonDocument> dbStream = raw(db.watch())) {
            client.getDatabase("admin").runCommand(new Document("renameCollection", "ddl.a").append("to", "ddl.b"));
            db.getCollection("b").drop();
            db.drop();

            BsonDocument renamed = MongoStandInTraceReplayTest.next(collStream, "rename");
            assertEquals("rename", renamed.getString("operationType").getValue());
            assertEquals(BsonDocument.parse("{db: 'ddl', coll: 'b'}"), renamed.getDocument("to"));
            BsonDocument invalidate = MongoStandInTraceReplayTest.next(collStream, "invalidate");
            assertEquals("invalidate", invalidate.getString("operationType").getValue());

            List<String> dbEvents = new ArrayList<>();
            BsonDocument last = null;
            for (int i = 0; i < 5; i++) {
                last = MongoStandInTraceReplayTest.next(dbStream, "database event " + i);
                String type = last.getString("operationType").getValue();
                dbEvents.add(type + (last.containsKey("ns") ? " " + last.getDocument("ns").toJson() : ""));
            }
            assertEquals(List.of(
                    "rename {\"db\": \"ddl\", \"coll\": \"a\"}",
                    "drop {\"db\": \"ddl\", \"coll\": \"b\"}",
                    "drop {\"db\": \"ddl\", \"coll\": \"c\"}",
                    "dropDatabase {\"db\": \"ddl\"}",
                    "invalidate"), dbEvents);

            // resuming after an invalidate needs startAfter
            BsonDocument invalidateToken = last.getDocument("_id");
            MongoCommandException refused = assertThrows(MongoCommandException.class,
                    () -> db.watch().resumeAfter(invalidateToken).cursor());
            assertEquals(260, refused.getErrorCode());
            try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> next =
                         db.watch().startAfter(invalidateToken).cursor()) {
                db.getCollection("fresh").insertOne(new Document("_id", "new"));
                assertEquals(OperationType.INSERT, take(next, 1).get(0).getOperationType());
            }
        }
    }

    @Test
    void truncatedHistoryFailsResumesWithChangeStreamHistoryLost() {
        MongoCollection<Document> coll = client.getDatabase("history").getCollection("c");
        List<ChangeStreamDocument<Document>> events;
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = coll.watch().cursor()) {
            for (int i = 1; i <= 3; i++) {
                coll.insertOne(new Document("_id", i));
            }
            events = take(stream, 3);
        }
        assertTrue(mongo.truncateHistoryBefore(events.get(2).getClusterTime()) >= 2);

        MongoCommandException lost = assertThrows(MongoCommandException.class,
                () -> coll.watch().resumeAfter(events.get(0).getResumeToken()).cursor());
        assertEquals(286, lost.getErrorCode());
        assertEquals("ChangeStreamHistoryLost", lost.getErrorCodeName());
        assertTrue(lost.getErrorMessage().contains("the resume point may no longer be in the oplog"),
                lost.getErrorMessage());
        MongoCommandException lostTime = assertThrows(MongoCommandException.class,
                () -> coll.watch().startAtOperationTime(events.get(1).getClusterTime()).cursor());
        assertEquals(286, lostTime.getErrorCode());
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> fromKept =
                     coll.watch().startAtOperationTime(events.get(2).getClusterTime()).cursor()) {
            assertEquals(List.of(3), ids(take(fromKept, 1)), "what is still in history can be read");
        }

        // an open stream that lags behind the cut fails on its next read, and the driver does not resume it
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> lagging = coll.watch()
                .maxAwaitTime(20, TimeUnit.MILLISECONDS).cursor()) {
            coll.insertOne(new Document("_id", 4));
            mongo.truncateHistory();
            MongoException fellOff = assertThrows(MongoException.class, lagging::tryNext);
            assertEquals(286, fellOff.getCode());
        }
    }

    @Test
    void invalidRequestsFailWithTheServersErrors() {
        MongoDatabase db = client.getDatabase("invalid");
        assertEquals(40415, aggregateError(db, "{aggregate: 1, pipeline: [{$changeStream: {bogus: 1}}], cursor: {}}"));
        assertEquals(260, aggregateError(db,
                "{aggregate: 1, pipeline: [{$changeStream: {resumeAfter: {_data: 'nonsense'}}}], cursor: {}}"));
        assertEquals(40674, aggregateError(db, "{aggregate: 1, pipeline: [{$changeStream: {resumeAfter: "
                + "{_data: '" + new ResumeToken(1, ResumeToken.Kind.EVENT).data() + "'}, "
                + "startAtOperationTime: Timestamp(1, 1)}}], cursor: {}}"));
        assertEquals(2, aggregateError(db,
                "{aggregate: 1, pipeline: [{$changeStream: {fullDocument: 'sometimes'}}], cursor: {}}"));
        assertEquals(20, aggregateError(db,
                "{aggregate: 1, pipeline: [{$changeStream: {}}, {$group: {_id: null}}], cursor: {}}"));
        assertEquals(280, aggregateError(db, "{aggregate: 1, pipeline: [{$changeStream: {resumeAfter: "
                + "{_data: '" + new ResumeToken(1, ResumeToken.Kind.EVENT).data() + "'}}}], cursor: {}}"),
                "a token of an event that never existed");
        assertEquals(73, aggregateError(client.getDatabase("local"),
                "{aggregate: 1, pipeline: [{$changeStream: {}}], cursor: {}}"));
    }

    @Test
    void idleStreamsWaitForEventsInsteadOfPolling() throws Exception {
        MongoCollection<Document> coll = client.getDatabase("await").getCollection("c");
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = coll.watch()
                .maxAwaitTime(200, TimeUnit.MILLISECONDS).cursor()) {
            int before = GET_MORES.get();
            long started = System.nanoTime();
            assertNull(stream.tryNext());
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(190),
                    "an empty getMore waits for maxAwaitTime");
            assertEquals(1, GET_MORES.get() - before, "one getMore per idle tryNext");
        }
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = coll.watch()
                .maxAwaitTime(10, TimeUnit.SECONDS).cursor()) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                sleep(300);
                coll.insertOne(new Document("_id", "woken"));
            });
            long started = System.nanoTime();
            ChangeStreamDocument<Document> event = stream.tryNext();
            assertNotNull(event, "the waiting getMore returns the event");
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(8), "woken by the write, not the timeout");
            writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void concurrentWritersGetUniqueTokensAndIncreasingClusterTimes() throws Exception {
        MongoDatabase db = client.getDatabase("concurrent");
        int threads = 4;
        int perThread = 30;
        try (MongoCursor<BsonDocument> stream = raw(db.watch())) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String coll = t % 2 == 0 ? "even" : "odd";
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            String id = thread + "-" + i;
                            db.getCollection(coll).insertOne(new Document("_id", id).append("n", 0));
                            db.getCollection(coll).findOneAndUpdate(Filters.eq("_id", id), Updates.inc("n", 1));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            Set<String> tokens = new HashSet<>();
            Map<String, String> lastTypeById = new HashMap<>();
            BsonTimestamp last = null;
            for (int i = 0; i < threads * perThread * 2; i++) {
                BsonDocument event = MongoStandInTraceReplayTest.next(stream, "event " + i);
                assertTrue(tokens.add(event.getDocument("_id").getString("_data").getValue()), "unique token");
                BsonTimestamp time = event.getTimestamp("clusterTime");
                assertTrue(last == null || time.compareTo(last) > 0, "strictly increasing clusterTime");
                last = time;
                String id = event.getDocument("documentKey").getString("_id").getValue();
                String type = event.getString("operationType").getValue();
                assertEquals(type.equals("insert") ? null : "insert", lastTypeById.put(id, type),
                        "insert before update for " + id);
            }
            assertEquals(threads * perThread, lastTypeById.size());
            assertNull(stream.tryNext());
        }
    }

    @Test
    void restartKeepsDataAndHistoryAndTheDriverResumes() {
        MongoCollection<Document> coll = client.getDatabase("restart").getCollection("c");
        try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> stream = coll.watch()
                .maxAwaitTime(50, TimeUnit.MILLISECONDS).cursor()) {
            coll.insertOne(new Document("_id", 1));
            assertEquals(List.of(1), ids(take(stream, 1)));
            int port = mongo.port();
            mongo.restart();
            assertEquals(port, mongo.port());
            coll.insertOne(new Document("_id", 2));
            assertEquals(List.of(2), ids(take(stream, 1)), "the driver resumed the stream after the restart");
            assertEquals(2, coll.countDocuments());
        }
    }

    // ---- helpers

    private static int aggregateError(MongoDatabase db, String command) {
        return assertThrows(MongoCommandException.class, () -> db.runCommand(BsonDocument.parse(command)))
                .getErrorCode();
    }

    private static <T> List<T> take(MongoCursor<T> stream, int count) {
        List<T> events = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (events.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("got " + events.size() + " of " + count + " events within "
                        + WAIT_SECONDS + " s: " + events);
            }
            T event = stream.tryNext();
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    private static void pollUntilEvent(MongoCursor<BsonDocument> stream) {
        take(stream, 1);
    }

    private static List<Integer> ids(List<ChangeStreamDocument<Document>> events) {
        return events.stream().map(e -> e.getDocumentKey().getInt32("_id").getValue()).toList();
    }

    /** The raw events of a stream (to see every field the server sent). */
    private static MongoCursor<BsonDocument> raw(ChangeStreamIterable<Document> stream) {
        return stream.withDocumentClass(BsonDocument.class).cursor();
    }

    private static void awaitTrue(Supplier<Boolean> condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT_SECONDS + " s: " + what);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
