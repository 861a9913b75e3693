package io.backbeat.connect.source;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.json.JsonParseException;

/**
 * The source partition and offset of one change stream, and their validation.
 *
 * <p>Partition: {@code {"database": <mongodb.database>, "stream": <offset.partition.name>}}. Offset:
 * {@code {"resume_token": "<the change-stream resume token as JSON>", "cluster_time": <packed BSON
 * timestamp>, "pending_deletes": "<delete tracking state>"}}. A token resumes right after the event it
 * names; without a token, {@code cluster_time} starts at that time (inclusive). {@code cluster_time} may be a
 * number (packed value) or a string in {@link ClusterTimes} forms, which is what an operator writes in
 * {@code PATCH /connectors/<name>/offsets}.
 */
public final class SourceOffsets {

    public static final String DATABASE = "database";
    public static final String STREAM = "stream";
    public static final String RESUME_TOKEN = "resume_token";
    public static final String CLUSTER_TIME = "cluster_time";
    public static final String PENDING_DELETES = "pending_deletes";

    private static final Set<String> PARTITION_KEYS = Set.of(DATABASE, STREAM);
    private static final Set<String> OFFSET_KEYS = Set.of(RESUME_TOKEN, CLUSTER_TIME, PENDING_DELETES);

    private final String database;
    private final String stream;

    public SourceOffsets(String database, String stream) {
        this.database = database;
        this.stream = stream;
    }

    /** Where the task resumes: a token, or a cluster time, and the delete-tracking state at that point. */
    record Position(BsonDocument resumeToken, BsonTimestamp clusterTime, String pendingDeletes) {
    }

    /**
     * The partition in a fixed key order. Connect looks offsets up by the serialized partition, and
     * {@code Map.of} iterates in an order that differs between JVMs: a task moved to another worker would
     * then miss its own offset.
     */
    public Map<String, String> partition() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(DATABASE, database);
        p.put(STREAM, stream);
        return Collections.unmodifiableMap(p);
    }

    /** The stream's name in logs and as the heartbeat key. */
    public String streamId() {
        return database + "/" + stream;
    }

    Map<String, Object> offset(BsonDocument resumeToken, BsonTimestamp clusterTime, String pendingDeletes) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put(RESUME_TOKEN, resumeToken.toJson());
        if (clusterTime != null) {
            o.put(CLUSTER_TIME, ClusterTimes.pack(clusterTime));
        }
        if (pendingDeletes != null && !pendingDeletes.isEmpty()) {
            o.put(PENDING_DELETES, pendingDeletes);
        }
        return o;
    }

    /**
     * Checks that a partition is this connector's stream.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public void checkPartition(Map<String, ?> partition) {
        if (partition == null) {
            throw new IllegalArgumentException("source partition is null; expected " + partition());
        }
        for (String k : partition.keySet()) {
            if (!PARTITION_KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' in source partition " + partition
                        + "; expected exactly " + partition());
            }
        }
        if (!database.equals(partition.get(DATABASE)) || !stream.equals(partition.get(STREAM))) {
            throw new IllegalArgumentException("source partition " + partition + " is not this connector's stream "
                    + partition() + " (see " + MetadataLogSourceConfig.MONGODB_DATABASE + " and "
                    + MetadataLogSourceConfig.OFFSET_PARTITION_NAME + ")");
        }
    }

    /**
     * Reads a stored or operator-supplied offset; null offset means none.
     *
     * @throws IllegalArgumentException naming the bad key and what is expected
     */
    static Position read(Map<String, ?> offset) {
        if (offset == null) {
            return null;
        }
        for (String k : offset.keySet()) {
            if (!OFFSET_KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown key '" + k + "' in source offset; allowed keys are "
                        + RESUME_TOKEN + ", " + CLUSTER_TIME + ", " + PENDING_DELETES);
            }
        }
        BsonDocument token = null;
        Object t = offset.get(RESUME_TOKEN);
        if (t != null) {
            if (!(t instanceof String s)) {
                throw new IllegalArgumentException(RESUME_TOKEN + " must be a string (the token as JSON), got "
                        + t.getClass().getSimpleName());
            }
            try {
                token = BsonDocument.parse(s);
            } catch (JsonParseException | org.bson.BsonInvalidOperationException e) {
                throw new IllegalArgumentException(RESUME_TOKEN + " is not a JSON document: " + e.getMessage(), e);
            }
            if (!token.containsKey("_data")) {
                throw new IllegalArgumentException(RESUME_TOKEN + " has no _data field: " + s);
            }
        }
        BsonTimestamp clusterTime = null;
        Object c = offset.get(CLUSTER_TIME);
        if (c instanceof Number n) {
            if (!(n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte)) {
                throw new IllegalArgumentException(CLUSTER_TIME + " must be an integer, got " + n);
            }
            clusterTime = ClusterTimes.unpack(n.longValue());
        } else if (c instanceof String s) {
            clusterTime = ClusterTimes.parse(s);
        } else if (c != null) {
            throw new IllegalArgumentException(CLUSTER_TIME + " must be a number or a string ("
                    + ClusterTimes.FORMATS + "), got " + c.getClass().getSimpleName());
        }
        if (token == null && clusterTime == null) {
            throw new IllegalArgumentException("source offset needs " + RESUME_TOKEN + " or " + CLUSTER_TIME
                    + " (or use a null offset to reset the stream)");
        }
        Object p = offset.get(PENDING_DELETES);
        if (p != null && !(p instanceof String)) {
            throw new IllegalArgumentException(PENDING_DELETES + " must be a string");
        }
        String pending = (String) p;
        DeleteTracker.parse(pending); // validates
        return new Position(token, clusterTime, pending == null ? "" : pending);
    }
}
