package io.backbeat.connect.source;

import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.changestream.FullDocument;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.MetadataBson;
import io.backbeat.connect.model.MetadataKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running state of one source task: the MongoDB client and change-stream cursor, the stream position
 * (resume token, cluster time, delete tracking) and the heartbeat clock. {@link MetadataLogSourceTask} is a
 * thin shell over it; tests drive it directly.
 */
final class MetadataLogReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataLogReader.class);
    /** Server errors meaning the resume point has left the oplog. */
    static final int CHANGE_STREAM_HISTORY_LOST = 286;
    static final int CHANGE_STREAM_FATAL_ERROR = 280;
    static final int CAPPED_POSITION_LOST = 136;
    private static final long IDLE_BACKOFF_MS = 10;

    /** Value schema of records on the errors topic. */
    static final Schema MALFORMED_SCHEMA = SchemaBuilder.struct()
            .name("io.backbeat.connect.MalformedChangeEvent")
            .version(1)
            .doc("A change event of the metadata database that could not become a log entry")
            .field("reason", Schema.STRING_SCHEMA)
            .field("bucket", Schema.OPTIONAL_STRING_SCHEMA)
            .field("rawKey", Schema.OPTIONAL_STRING_SCHEMA)
            .field("clusterTime", Schema.OPTIONAL_STRING_SCHEMA)
            .field("event", Schema.STRING_SCHEMA)
            .build();

    private final MetadataLogSourceConfig config;
    private final SourceOffsets offsets;
    private final MongoClient client;
    private final SourceMetrics metrics;
    private final LongSupplier clock;
    private final ChangeEventConverter converter;
    private final BsonDocument match;

    private MongoChangeStreamCursor<BsonDocument> cursor;
    /** Token of the last event handed to the converter (the resume point of a reopened cursor). */
    private BsonDocument position;
    /** Used only when no token is known: start at this cluster time (inclusive). */
    private BsonTimestamp startAt;
    private BsonTimestamp lastClusterTime;
    /**
     * The server's cluster time when this task first opened its stream: the changes up to it may have been
     * journaled by a predecessor that crashed before its offsets were stored, so their entries carry
     * {@link LogEntry#POSSIBLE_REPLAY_HEADER}. Null until taken, or when the server reports no cluster time.
     */
    private BsonTimestamp replayFence;
    private boolean replayFenceTaken;
    /** Token stored by the last record handed to Connect. */
    private BsonDocument lastStoredToken;
    private long lastRecordAtMs;
    private boolean restartedAfterHistoryLost;
    private volatile boolean stopping;

    /**
     * @param storedOffset the offset Connect has for this stream, null when none
     * @throws ConnectException when the stored offset cannot be read
     */
    MetadataLogReader(MetadataLogSourceConfig config, Map<String, ?> storedOffset, MongoClient client,
            SourceMetrics metrics, LongSupplier clock) {
        this.config = config;
        this.offsets = config.offsets();
        this.client = client;
        this.metrics = metrics;
        this.clock = clock;
        this.match = config.bucketFilter().matchStage();
        SourceOffsets.Position stored;
        try {
            stored = SourceOffsets.read(storedOffset);
        } catch (IllegalArgumentException e) {
            throw new ConnectException("The stored offset of stream " + offsets.streamId() + " is unusable: "
                    + e.getMessage() + ". Fix it with PUT /connectors/<name>/stop, then PATCH /connectors/<name>/offsets"
                    + " (see docs/source-connector.md), then PUT /connectors/<name>/resume.", e);
        }
        DeleteTracker deletes;
        if (stored != null) {
            position = stored.resumeToken();
            startAt = position == null ? stored.clusterTime() : null;
            lastClusterTime = stored.clusterTime();
            lastStoredToken = position;
            lastRecordAtMs = clock.getAsLong();
            deletes = DeleteTracker.parse(stored.pendingDeletes());
            LOG.info("Stream {} resumes {}", offsets.streamId(), position != null ? "after the stored resume token"
                    + " (cluster time " + ClusterTimes.describe(lastClusterTime) + ")"
                    : "at cluster time " + ClusterTimes.describe(startAt));
        } else {
            deletes = new DeleteTracker();
            if (config.startupMode() == MetadataLogSourceConfig.StartupMode.TIMESTAMP) {
                startAt = config.startupTimestamp().orElseThrow();
                LOG.info("Stream {} has no offset; starting at {} (startup.mode=timestamp)", offsets.streamId(),
                        ClusterTimes.describe(startAt));
            } else {
                LOG.info("Stream {} has no offset; starting at the latest event (startup.mode=latest)",
                        offsets.streamId());
            }
            lastRecordAtMs = Long.MIN_VALUE / 2; // pin the start position with a heartbeat at the first poll
        }
        this.converter = new ChangeEventConverter(config.bucketFilter(), deletes);
    }

    /** Reads up to {@code batch.size} events, waiting at most {@code poll.await.time.ms} for the first one. */
    List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> out = new ArrayList<>();
        long deadline = clock.getAsLong() + config.pollAwaitMs();
        while (!stopping && out.size() < config.batchSize()) {
            if (cursor == null && !openCursor()) {
                break;
            }
            if (!out.isEmpty() && cursor.available() == 0) {
                break; // hand over what we have instead of waiting on the server
            }
            BsonDocument event;
            try {
                event = cursor.tryNext();
            } catch (MongoServerException e) {
                closeCursor();
                if (isHistoryLost(e)) {
                    if (!out.isEmpty()) {
                        break; // deliver first; the reopen will hit the same error and handle it
                    }
                    handleHistoryLost(e);
                    continue;
                }
                return failRetriably(out, e);
            } catch (MongoException e) {
                closeCursor();
                return failRetriably(out, e);
            } catch (IllegalStateException e) {
                if (stopping) {
                    break; // cursor closed by stop()
                }
                throw e;
            }
            if (event == null) {
                metrics.caughtUp();
                long remaining = deadline - clock.getAsLong();
                if (!out.isEmpty() || remaining <= 0) {
                    break;
                }
                Thread.sleep(Math.min(IDLE_BACKOFF_MS, remaining));
                continue;
            }
            SourceRecord record = handle(event);
            if (record != null) {
                out.add(record);
            }
        }
        if (!out.isEmpty()) {
            lastRecordAtMs = clock.getAsLong();
        } else {
            SourceRecord heartbeat = heartbeatIfDue();
            if (heartbeat != null) {
                out.add(heartbeat);
            }
        }
        return out;
    }

    private SourceRecord handle(BsonDocument event) {
        BsonValue id = event.get("_id");
        BsonDocument token = id != null && id.isDocument() ? id.asDocument() : cursor.getResumeToken();
        BsonValue ct = event.get("clusterTime");
        BsonTimestamp clusterTime = ct != null && ct.isTimestamp() ? ct.asTimestamp() : lastClusterTime;
        if (clusterTime != null) {
            metrics.eventRead(ChangeEventConverter.operationTimeMs(event, clusterTime));
        } else {
            metrics.eventRead(0);
        }
        ChangeEventConverter.Outcome outcome = converter.convert(event);
        position = token;
        startAt = null;
        lastClusterTime = clusterTime;
        restartedAfterHistoryLost = false;
        if (outcome instanceof ChangeEventConverter.Entry e) {
            metrics.entryProduced();
            LogEntry entry = e.entry();
            // the record's time is when it is journaled (the operation's own time is in the entry): a sink tells a
            // replay after a crash, journaled long after its write, by the difference; time-based retention then
            // counts from the journal, not from an old write caught up with
            SourceRecord record = record(config.topic(), Schema.STRING_SCHEMA, entry.kafkaKey(), LogEntry.SCHEMA,
                    entry.toStruct(), clock.getAsLong());
            if (replayFence != null && clusterTime != null && clusterTime.compareTo(replayFence) <= 0) {
                record.headers().addBoolean(LogEntry.POSSIBLE_REPLAY_HEADER, true);
                metrics.possibleReplay();
            }
            return record;
        }
        if (outcome instanceof ChangeEventConverter.Skipped s) {
            metrics.skipped(s.kind());
            if (LOG.isTraceEnabled()) {
                LOG.trace("Skipped ({}) {} {}", s.kind().label, s.bucket(),
                        s.rawKey() == null ? "" : MetadataKey.printable(s.rawKey()));
            }
            return null;
        }
        if (outcome instanceof ChangeEventConverter.Malformed m) {
            return malformed(m, event, clusterTime);
        }
        ChangeEventConverter.StreamEnd end = (ChangeEventConverter.StreamEnd) outcome;
        throw new ConnectException("The change stream of stream " + offsets.streamId() + " was ended by a '"
                + end.operationType() + "' event at cluster time " + ClusterTimes.describe(clusterTime) + ": database '"
                + config.database() + "' was dropped. Nothing can be read past this point. If the database was "
                + "re-created on purpose, stop the connector, reset its offsets (DELETE /connectors/<name>/offsets, "
                + "or PATCH a cluster_time after the re-creation) and resume it.");
    }

    private SourceRecord malformed(ChangeEventConverter.Malformed m, BsonDocument event, BsonTimestamp clusterTime) {
        metrics.malformed();
        String key = m.rawKey() == null ? "(unknown key)" : MetadataKey.printable(m.rawKey());
        String bucket = m.bucket() == null ? "(unknown bucket)" : m.bucket();
        boolean reported = config.errorsTopic().isPresent();
        LOG.warn("Malformed change event skipped: bucket {} key {} at cluster time {}: {}{}", bucket, key,
                ClusterTimes.describe(clusterTime), m.reason(),
                reported ? " (event sent to topic " + config.errorsTopic().get() + ")" : "");
        if (!reported) {
            return null;
        }
        Struct value = new Struct(MALFORMED_SCHEMA)
                .put("reason", m.reason())
                .put("bucket", m.bucket())
                .put("rawKey", m.rawKey())
                .put("clusterTime", clusterTime == null ? null : ClusterTimes.describe(clusterTime))
                .put("event", event.toJson(MetadataBson.RELAXED));
        String recordKey = m.bucket() == null ? null : m.rawKey() == null ? m.bucket() : m.bucket() + "/" + m.rawKey();
        return record(config.errorsTopic().get(), Schema.OPTIONAL_STRING_SCHEMA, recordKey, MALFORMED_SCHEMA, value,
                clock.getAsLong());
    }

    private SourceRecord record(String topic, Schema keySchema, Object key, Schema valueSchema, Object value,
            long timestamp) {
        Map<String, Object> offset = offsets.offset(position, lastClusterTime, converter.deletes().serialize());
        lastStoredToken = position;
        return new SourceRecord(offsets.partition(), offset, topic, null, keySchema, key, valueSchema, value,
                timestamp);
    }

    /** A heartbeat when the stream moved (or was never stored) and none was stored for the interval. */
    private SourceRecord heartbeatIfDue() {
        long interval = config.heartbeatIntervalMs();
        if (interval <= 0 || stopping || clock.getAsLong() - lastRecordAtMs < interval) {
            return null;
        }
        BsonDocument current = cursor != null ? cursor.getResumeToken() : null;
        if (current == null) {
            current = position;
        }
        if (current == null || current.equals(lastStoredToken)) {
            return null;
        }
        position = current;
        metrics.heartbeat();
        lastRecordAtMs = clock.getAsLong();
        return record(config.heartbeatTopic(), Schema.STRING_SCHEMA, offsets.streamId(), null, null,
                clock.getAsLong());
    }

    private boolean openCursor() {
        if (!replayFenceTaken) {
            takeReplayFence();
        }
        ChangeStreamIterable<BsonDocument> it = client.getDatabase(config.database())
                .watch(List.of(match), BsonDocument.class)
                .fullDocument(config.fullDocument() == MetadataLogSourceConfig.FullDocumentMode.REQUIRED
                        ? FullDocument.REQUIRED : FullDocument.UPDATE_LOOKUP)
                .batchSize(config.batchSize())
                .maxAwaitTime(config.pollAwaitMs(), TimeUnit.MILLISECONDS);
        if (position != null) {
            it = it.resumeAfter(position);
        } else if (startAt != null) {
            it = it.startAtOperationTime(startAt);
        }
        try {
            MongoCursor<BsonDocument> c = it.withDocumentClass(BsonDocument.class).cursor();
            if (!(c instanceof MongoChangeStreamCursor<BsonDocument> csc)) {
                c.close();
                throw new ConnectException("the MongoDB driver did not return a change-stream cursor");
            }
            cursor = csc;
            return true;
        } catch (MongoServerException e) {
            if (isHistoryLost(e)) {
                handleHistoryLost(e);
                return false;
            }
            throw new RetriableException("cannot open the change stream on database '" + config.database() + "' at "
                    + MongoConnections.hosts(config.connectionUri().value()) + ": " + e.getMessage(), e);
        } catch (MongoException e) {
            throw new RetriableException("cannot open the change stream on database '" + config.database() + "' at "
                    + MongoConnections.hosts(config.connectionUri().value()) + ": " + e.getMessage(), e);
        }
    }

    /** Before the first read: a predecessor can only have read changes that precede this moment. */
    private void takeReplayFence() {
        try (ClientSession session = client.startSession()) {
            client.getDatabase(config.database()).runCommand(session, new BsonDocument("ping", new BsonInt32(1)));
            replayFence = session.getOperationTime();
        } catch (MongoException e) {
            throw new RetriableException("cannot reach MongoDB at " + MongoConnections.hosts(
                    config.connectionUri().value()) + " to start the stream: " + e.getMessage(), e);
        }
        replayFenceTaken = true;
        if (replayFence == null) {
            LOG.warn("Stream {}: the server reports no cluster time; entries replayed after a crash are not marked "
                    + "(sinks tell them by their late journal time only)", offsets.streamId());
        } else {
            LOG.info("Stream {}: entries of changes up to cluster time {} (this task's start) carry header {}: a "
                    + "predecessor may have journaled them", offsets.streamId(), ClusterTimes.describe(replayFence),
                    LogEntry.POSSIBLE_REPLAY_HEADER);
        }
    }

    static boolean isHistoryLost(MongoServerException e) {
        int code = e.getCode();
        String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return code == CHANGE_STREAM_HISTORY_LOST || code == CAPPED_POSITION_LOST
                || "ChangeStreamHistoryLost".equals(e.getErrorCodeName())
                || (code == CHANGE_STREAM_FATAL_ERROR && msg.contains("resume"));
    }

    private void handleHistoryLost(MongoServerException e) {
        String lostAt = ClusterTimes.describe(lastClusterTime != null ? lastClusterTime : startAt);
        if (config.historyLostPolicy() == MetadataLogSourceConfig.HistoryLostPolicy.RESTART_FROM_TIMESTAMP
                && !restartedAfterHistoryLost) {
            BsonTimestamp from = config.startupTimestamp().orElseThrow();
            LOG.error("Change stream history lost for stream {} (MongoDB error {} {}): the resume point at cluster "
                    + "time {} is no longer in the oplog. history.lost.policy=restart-from-timestamp: restarting "
                    + "from startup.timestamp {}. Writes between {} and {} may be missing from topic {}: "
                    + "re-sync them.", offsets.streamId(), e.getCode(), e.getErrorCodeName(), lostAt,
                    ClusterTimes.describe(from), lostAt, ClusterTimes.describe(from), config.topic());
            metrics.historyLostRestart();
            restartedAfterHistoryLost = true;
            position = null;
            startAt = from;
            converter.deletes().clear();
            return;
        }
        String why = restartedAfterHistoryLost
                ? " Restarting from startup.timestamp " + config.getString(MetadataLogSourceConfig.STARTUP_TIMESTAMP)
                        + " failed too: that time is older than the oldest oplog entry."
                : "";
        throw new ConnectException("Change stream history lost for stream " + offsets.streamId()
                + ": the resume point (cluster time " + lostAt + ") is no longer in the MongoDB oplog (error "
                + e.getCode() + " " + e.getErrorCodeName() + ")." + why + " Writes after that point were never "
                + "read, so entries are missing. Recovery: 1) PUT /connectors/<name>/stop; 2) PATCH "
                + "/connectors/<name>/offsets with {\"offsets\":[{\"partition\":{\"database\":\"" + config.database()
                + "\",\"stream\":\"" + config.partitionName() + "\"},\"offset\":{\"cluster_time\":\"<ISO-8601 time "
                + "inside the oplog window>\"}}]}; 3) PUT /connectors/<name>/resume; 4) re-sync the objects written "
                + "in the gap. Or set history.lost.policy=restart-from-timestamp with startup.timestamp. Enlarge the "
                + "oplog so that it covers the longest connector outage.", e);
    }

    private List<SourceRecord> failRetriably(List<SourceRecord> out, MongoException e) {
        if (!out.isEmpty()) {
            LOG.warn("Change stream of {} failed after {} records; delivering them, the stream reopens at the next "
                    + "poll: {}", offsets.streamId(), out.size(), e.toString());
            lastRecordAtMs = clock.getAsLong();
            return out;
        }
        throw new RetriableException("change stream of " + offsets.streamId() + " failed; it reopens after "
                + "the last event read: " + MongoConnections.redact(e.getMessage(), config.connectionUri().value()), e);
    }

    private void closeCursor() {
        MongoChangeStreamCursor<BsonDocument> c = cursor;
        cursor = null;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the change-stream cursor failed: {}", e.toString());
            }
        }
    }

    /** Stops polling; safe to call from another thread than poll(). */
    @Override
    public void close() {
        stopping = true;
        closeCursor();
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the MongoDB client failed: {}", e.toString());
        }
        metrics.close();
    }

    SourceMetrics metrics() {
        return metrics;
    }
}
