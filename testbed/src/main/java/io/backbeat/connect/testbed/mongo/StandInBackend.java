package io.backbeat.connect.testbed.mongo;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.exception.CursorNotFoundException;
import de.bwaldvogel.mongo.wire.BsonConstants;
import de.bwaldvogel.mongo.wire.MongoWireProtocolHandler;
import io.backbeat.connect.testbed.mongo.ChangeEvent.Namespace;
import io.backbeat.connect.testbed.mongo.ChangeEvent.OperationType;
import io.backbeat.connect.testbed.mongo.ChangeStreamCursor.Batch;
import io.netty.channel.Channel;

/**
 * mongo-java-server's memory backend, turned into a one-member replica set with faithful change streams.
 *
 * <p>It answers {@code hello}/{@code isMaster} as the primary of a replica set running MongoDB 5.0 (wire
 * version 13), stamps every successful reply with {@code operationTime} and {@code $clusterTime}, and serves
 * {@code $changeStream} aggregations (collection, database and cluster level) and their {@code getMore}s
 * from the journal the collections write.
 */
final class StandInBackend extends MemoryBackend {

    /** MongoDB 5.0 as a 5.0 server reports it: wire version 13. */
    static final MongoVersion MONGO_5_0 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    private static final ObjectId ELECTION_ID = new ObjectId("7fffffff0000000000000001");

    private final ChangeEventLog journal;
    private final String replicaSetName;
    private final Supplier<String> me;
    private final long defaultAwaitMs;
    private final Map<Long, ChangeStreamCursor> streams = new ConcurrentHashMap<>();

    StandInBackend(ChangeEventLog journal, String replicaSetName, Supplier<String> me, long defaultAwaitMs,
                   Clock clock) {
        super(clock);
        this.journal = journal;
        this.replicaSetName = replicaSetName;
        this.me = me;
        this.defaultAwaitMs = defaultAwaitMs;
        version(MONGO_5_0);
    }

    ChangeEventLog journal() {
        return journal;
    }

    long defaultAwaitMs() {
        return defaultAwaitMs;
    }

    @Override
    public StandInDatabase openOrCreateDatabase(String databaseName) {
        return new StandInDatabase(databaseName, getCursorRegistry(), journal);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if (channel != null) {
            AwaitDataHandler.install(channel, this);
        }
        Document reply;
        if (command.equalsIgnoreCase("hello") || command.equalsIgnoreCase("isMaster")) {
            reply = hello(command, query);
        } else if (command.equalsIgnoreCase("aggregate") && ChangeStreamRequest.isChangeStream(query)) {
            reply = openChangeStream(databaseName, query);
        } else {
            reply = super.handleCommand(channel, databaseName, command, query);
        }
        return withClusterTime(reply);
    }

    // ---- change streams

    private Document openChangeStream(String databaseName, Document command) {
        ChangeStreamRequest request = ChangeStreamRequest.parse(databaseName, command);
        long position;
        ChangeEvent invalidateFirst = null;
        ResumeToken token = request.resumeAfter() != null ? request.resumeAfter() : request.startAfter();
        if (token != null) {
            long time = token.clusterTime();
            switch (token.kind()) {
                case EVENT -> {
                    journal.requireHistoryFrom(time);
                    ChangeEvent event = journal.eventAt(time);
                    if (event == null && time <= journal.clusterTime()) {
                        throw StandInErrors.resumeTokenNotFound(token);
                    }
                    if (event != null && request.scope().invalidatedBy(event)) {
                        // resuming right after an invalidating event: the invalidate comes first
                        invalidateFirst = event;
                    }
                }
                case INVALIDATE -> {
                    if (request.resumeAfter() != null) {
                        throw StandInErrors.resumeAfterInvalidate();
                    }
                    journal.requireHistoryFrom(time);
                }
                case HIGH_WATER_MARK -> journal.requireHistoryFrom(time + 1);
                default -> throw new IllegalStateException(token.kind().name());
            }
            position = time;
        } else if (request.startAtOperationTime() != null) {
            journal.requireHistoryFrom(request.startAtOperationTime());
            position = request.startAtOperationTime() - 1;
        } else {
            position = journal.clusterTime();
        }

        long id = getCursorRegistry().generateCursorId();
        ChangeStreamCursor cursor = new ChangeStreamCursor(id, journal, request, position, invalidateFirst,
                this::lookUp);
        getCursorRegistry().add(cursor);
        streams.put(id, cursor);
        Batch batch;
        try {
            batch = request.batchSize() == 0
                    ? new Batch(List.of(), cursor.nextBatchToken(), false)
                    : cursor.nextBatch(request.batchSize());
        } catch (RuntimeException e) {
            forget(cursor);
            throw e;
        }
        if (batch.exhausted()) {
            forget(cursor);
        }
        return cursorReply("firstBatch", cursor, batch);
    }

    /** The change-stream cursor with this id, or null when it is not one (or no longer exists). */
    ChangeStreamCursor changeStream(long cursorId) {
        return streams.get(cursorId);
    }

    /**
     * One non-waiting attempt at a {@code getMore} batch.
     *
     * @throws de.bwaldvogel.mongo.exception.MongoServerError CursorNotFound once the cursor was killed, or the
     *                                                        cursor's own error (which ends it)
     */
    Batch pollGetMore(ChangeStreamCursor cursor, int batchSize) {
        try {
            getCursorRegistry().getCursor(cursor.getId());
        } catch (CursorNotFoundException e) {
            forget(cursor);
            throw StandInErrors.cursorNotFound(cursor.getId());
        }
        Batch batch;
        try {
            batch = cursor.nextBatch(batchSize);
        } catch (RuntimeException e) {
            forget(cursor);
            throw e;
        }
        if (batch.exhausted()) {
            forget(cursor);
        }
        return batch;
    }

    /** The complete {@code getMore} reply for a batch. */
    Document getMoreReply(ChangeStreamCursor cursor, Batch batch) {
        return withClusterTime(cursorReply("nextBatch", cursor, batch));
    }

    /** The synchronous path (legacy wire messages, or before the await handler is in place): no waiting. */
    @Override
    protected Document handleGetMore(String databaseName, String command, Document query) {
        ChangeStreamCursor cursor = streams.get(((Number) query.get(command)).longValue());
        if (cursor == null) {
            return super.handleGetMore(databaseName, command, query);
        }
        return cursorReply("nextBatch", cursor, pollGetMore(cursor, batchSize(query)));
    }

    static int batchSize(Document getMore) {
        return getMore.get("batchSize") instanceof Number number ? number.intValue() : 0;
    }

    @Override
    protected Document handleKillCursors(Document query) {
        Document reply = super.handleKillCursors(query);
        if (query.get("cursors") instanceof List<?> ids) {
            for (Object id : ids) {
                if (id instanceof Number number) {
                    ChangeStreamCursor cursor = streams.remove(number.longValue());
                    if (cursor != null) {
                        cursor.close();
                    }
                }
            }
        }
        return reply;
    }

    private void forget(ChangeStreamCursor cursor) {
        cursor.close();
        streams.remove(cursor.getId());
        getCursorRegistry().remove(cursor.getId());
    }

    private static Document cursorReply(String batchField, ChangeStreamCursor cursor, Batch batch) {
        Document cursorDoc = new Document(batchField, batch.documents());
        cursorDoc.put("postBatchResumeToken", batch.postBatchResumeToken());
        cursorDoc.put("id", batch.exhausted() ? 0L : cursor.getId());
        cursorDoc.put("ns", cursor.scope().cursorNamespace());
        Document reply = new Document("cursor", cursorDoc);
        reply.put("ok", 1.0);
        return reply;
    }

    /** The current version of a document, for updateLookup: null when it (or its collection) is gone. */
    private Document lookUp(Namespace ns, Object id) {
        if (!listDatabaseNames().contains(ns.db())) {
            return null;
        }
        MongoDatabase database = resolveDatabase(ns.db());
        MongoCollection<?> collection = database.resolveCollection(ns.coll(), false);
        if (collection == null) {
            return null;
        }
        // the collection's monitor is what its writers hold: copy the document while nobody changes it
        synchronized (collection) {
            for (Document document : collection.handleQuery(new Document("_id", id), 0, 1)) {
                return document.cloneDeeply();
            }
        }
        return null;
    }

    @Override
    public void dropDatabase(String databaseName) {
        boolean existed = listDatabaseNames().contains(databaseName);
        super.dropDatabase(databaseName);
        if (existed && !ChangeStreamRequest.Scope.isInternal(databaseName, null)) {
            journal.append(OperationType.DROP_DATABASE, new Namespace(databaseName, null), null, null, null, null);
        }
    }

    // ---- replica-set identity and cluster time

    private Document hello(String command, Document query) {
        String self = me.get();
        Document reply = new Document();
        if (Boolean.TRUE.equals(query.get("helloOk"))) {
            reply.put("helloOk", true);
        }
        reply.put(command.equalsIgnoreCase("hello") ? "isWritablePrimary" : "ismaster", true);
        reply.put("setName", replicaSetName);
        reply.put("setVersion", 1);
        reply.put("hosts", List.of(self));
        reply.put("primary", self);
        reply.put("me", self);
        reply.put("secondary", false);
        reply.put("electionId", ELECTION_ID);
        BsonTimestamp now = new BsonTimestamp(journal.clusterTime());
        Document opTime = new Document("ts", now).append("t", 1L);
        Instant lastWriteDate = Instant.ofEpochSecond(now.getValue() >>> 32);
        reply.put("lastWrite", new Document("opTime", opTime)
                .append("lastWriteDate", lastWriteDate)
                .append("majorityOpTime", opTime)
                .append("majorityWriteDate", lastWriteDate));
        reply.put("maxBsonObjectSize", BsonConstants.MAX_BSON_OBJECT_SIZE);
        reply.put("maxMessageSizeBytes", MongoWireProtocolHandler.MAX_MESSAGE_SIZE_BYTES);
        reply.put("maxWriteBatchSize", MongoWireProtocolHandler.MAX_WRITE_BATCH_SIZE);
        reply.put("localTime", Instant.now(getClock()));
        reply.put("logicalSessionTimeoutMinutes", 30);
        reply.put("minWireVersion", 0);
        reply.put("maxWireVersion", MONGO_5_0.getWireVersion());
        reply.put("readOnly", false);
        reply.put("ok", 1.0);
        return reply;
    }

    private Document withClusterTime(Document reply) {
        if (reply == null || !(reply.get("ok") instanceof Number ok) || ok.doubleValue() != 1.0) {
            return reply;
        }
        BsonTimestamp now = new BsonTimestamp(journal.clusterTime());
        reply.put("operationTime", now);
        reply.put("$clusterTime", new Document("clusterTime", now)
                .append("signature", new Document("hash", new BinData(new byte[20])).append("keyId", 0L)));
        return reply;
    }

    // ---- lifecycle

    /**
     * Called by {@code MongoServer.shutdown()}: a stopped server keeps its data and journal (so it can be
     * started again), but its cursors are gone, as after a real restart.
     */
    @Override
    public void close() {
        for (ChangeStreamCursor cursor : List.copyOf(streams.values())) {
            forget(cursor);
        }
        journal.cancelAllWaiters();
    }

    /** Frees the data for good. */
    void release() {
        close();
        super.close();
    }
}
