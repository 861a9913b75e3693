package io.backbeat.connect.source;

import io.backbeat.connect.model.BucketInfo;
import io.backbeat.connect.model.InvalidMetadataException;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.MetadataBson;
import io.backbeat.connect.model.MetadataKey;
import io.backbeat.connect.model.ObjectMetadata;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * Turns one change event of the metadata database into at most one {@link LogEntry}: the single place where
 * CloudServer's write patterns are interpreted.
 *
 * <ul>
 *   <li>insert/update/replace of an object document: a put entry with the document's {@code value};
 *       a placeholder master ({@code isPHD}) is skipped;</li>
 *   <li>a write flagging {@code value.deleted: true}: the delete entry of CloudServer's three-write delete,
 *       carrying the metadata; the other writes of that delete are skipped ({@link DeleteTracker});</li>
 *   <li>a bare delete not announced by a flagged write: a delete entry without metadata;</li>
 *   <li>{@code __metastore} writes: bucket entries.</li>
 * </ul>
 *
 * <p>The metadata is the event's {@code fullDocument} (lookup or post-image). When the lookup finds the
 * document gone, the update's own {@code value} is used when the write replaced it whole (CloudServer always
 * does), since that is exactly the written state.
 */
final class ChangeEventConverter {

    /** Why an event produced no entry (metric and log label). */
    enum SkipKind {
        /** Placeholder master (isPHD) or its removal. */
        PLACEHOLDER("placeholder"),
        /** Second and third write of a three-write delete. */
        DELETE_FOLLOW_UP("delete-follow-up"),
        /** Update of a document already gone when read, whose value was not written whole. */
        DOCUMENT_GONE("document-gone"),
        /** Internal collection or bucket excluded by the include/exclude settings. */
        FILTERED("filtered"),
        /** Not a document write (collection drop, rename...). */
        NOT_A_WRITE("not-a-write");

        final String label;

        SkipKind(String label) {
            this.label = label;
        }
    }

    /** The result of converting one event. */
    sealed interface Outcome permits Entry, Skipped, Malformed, StreamEnd {
    }

    record Entry(LogEntry entry) implements Outcome {
    }

    record Skipped(SkipKind kind, String bucket, String rawKey) implements Outcome {
    }

    /** A broken event: bucket and raw key as far as known (may be null), and what is wrong. */
    record Malformed(String bucket, String rawKey, String reason) implements Outcome {
    }

    /** The stream was invalidated (the database was dropped). */
    record StreamEnd(String operationType) implements Outcome {
    }

    private final BucketFilter filter;
    private final DeleteTracker deletes;

    ChangeEventConverter(BucketFilter filter, DeleteTracker deletes) {
        this.filter = filter;
        this.deletes = deletes;
    }

    DeleteTracker deletes() {
        return deletes;
    }

    Outcome convert(BsonDocument event) {
        BsonValue op = event.get("operationType");
        if (op == null || !op.isString()) {
            return new Malformed(null, null, "change event has no operationType");
        }
        String operation = op.asString().getValue();
        if (operation.equals("invalidate") || operation.equals("dropDatabase")) {
            return new StreamEnd(operation);
        }
        String collection = collection(event);
        if (!isDocumentWrite(operation)) {
            return new Skipped(SkipKind.NOT_A_WRITE, collection, null);
        }
        if (collection == null) {
            return new Malformed(null, null, operation + " event has no ns.coll");
        }
        BsonValue docKey = event.get("documentKey");
        BsonValue id = docKey != null && docKey.isDocument() ? docKey.asDocument().get("_id") : null;
        if (id == null || !id.isString()) {
            return new Malformed(collection, null, operation + " event: documentKey._id is missing or not a string ("
                    + (id == null ? "absent" : id.getBsonType()) + ")");
        }
        String rawKey = id.asString().getValue();
        boolean metastore = collection.equals(BucketFilter.METASTORE);
        String bucket = metastore ? rawKey : collection;
        if ((!metastore && BucketFilter.isInternal(collection)) || !filter.accepts(bucket)) {
            return new Skipped(SkipKind.FILTERED, bucket, rawKey);
        }
        BsonValue ct = event.get("clusterTime");
        if (ct == null || !ct.isTimestamp()) {
            return new Malformed(bucket, rawKey, operation + " event has no clusterTime");
        }
        BsonTimestamp clusterTime = ct.asTimestamp();
        long timeMs = operationTimeMs(event, clusterTime);
        try {
            return metastore ? bucketEvent(operation, event, bucket, timeMs)
                    : objectEvent(operation, event, collection, rawKey, clusterTime, timeMs);
        } catch (InvalidMetadataException e) {
            return new Malformed(bucket, rawKey, e.getMessage());
        } catch (RuntimeException e) {
            // Anything else this one event trips over (an entry invariant, a BSON type surprise) is still one
            // bad event, not a reason to stop the stream.
            return new Malformed(bucket, rawKey, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Outcome bucketEvent(String operation, BsonDocument event, String bucket, long timeMs) {
        if (operation.equals("delete")) {
            return new Entry(LogEntry.bucket(LogEntry.Type.DELETE, bucket, null, timeMs));
        }
        Value value = value(event);
        if (value.missing() != null) {
            return value.gone ? new Skipped(SkipKind.DOCUMENT_GONE, bucket, bucket)
                    : new Malformed(bucket, bucket, value.missing());
        }
        BucketInfo info = BucketInfo.fromJson(MetadataBson.toTree(value.document), null);
        if (!bucket.equals(info.name())) {
            return new Malformed(bucket, bucket, "__metastore document _id \"" + bucket
                    + "\" does not match value.name \"" + info.name() + "\"");
        }
        return new Entry(LogEntry.bucket(LogEntry.Type.PUT, bucket, info.toJson(), timeMs));
    }

    private Outcome objectEvent(String operation, BsonDocument event, String collection, String rawKey,
            BsonTimestamp clusterTime, long timeMs) {
        MetadataKey key = MetadataKey.parse(rawKey);
        long seconds = clusterTime.getTime() & 0xFFFFFFFFL;
        if (operation.equals("delete")) {
            DeleteTracker.State known = deletes.remove(collection, rawKey);
            if (known == DeleteTracker.State.SENT) {
                return new Skipped(SkipKind.DELETE_FOLLOW_UP, collection, rawKey);
            }
            return new Entry(LogEntry.object(LogEntry.Type.DELETE, collection, key.objectKey(),
                    key.externalVersionId(), rawKey, null, timeMs));
        }
        Value value = value(event);
        if (value.missing() != null) {
            if (value.flaggedDeleted) {
                // findAndModify's `value.deleted: true` read after the document is gone: the metadata comes
                // with the next write of the same delete, or never (then the removal is the entry).
                if (deletes.state(collection, rawKey) == null) {
                    deletes.mark(collection, rawKey, DeleteTracker.State.STARTED, seconds);
                    return new Skipped(SkipKind.DOCUMENT_GONE, collection, rawKey);
                }
                return new Skipped(SkipKind.DELETE_FOLLOW_UP, collection, rawKey);
            }
            return value.gone ? new Skipped(SkipKind.DOCUMENT_GONE, collection, rawKey)
                    : new Malformed(collection, rawKey, value.missing());
        }
        ObjectMetadata md = ObjectMetadata.fromBson(value.document);
        String json = md.toJson();
        // A version key names its version; a master (or a null version) says it in its metadata.
        String versionId = key.isVersion() && !md.isNull() ? key.externalVersionId() : md.externalVersionId();
        if (md.isDeleted()) {
            if (deletes.state(collection, rawKey) == DeleteTracker.State.SENT) {
                return new Skipped(SkipKind.DELETE_FOLLOW_UP, collection, rawKey);
            }
            deletes.mark(collection, rawKey, DeleteTracker.State.SENT, seconds);
            if (md.isPhd()) {
                return new Skipped(SkipKind.PLACEHOLDER, collection, rawKey);
            }
            return new Entry(LogEntry.object(LogEntry.Type.DELETE, collection, key.objectKey(), versionId, rawKey,
                    json, timeMs));
        }
        deletes.remove(collection, rawKey); // written again: any earlier delete is over
        if (md.isPhd()) {
            return new Skipped(SkipKind.PLACEHOLDER, collection, rawKey);
        }
        return new Entry(LogEntry.object(LogEntry.Type.PUT, collection, key.objectKey(), versionId, rawKey,
                json, timeMs));
    }

    /** The document value of a write event, or why there is none. */
    private record Value(BsonDocument document, boolean gone, boolean flaggedDeleted, String problem) {
        String missing() {
            return document == null ? (problem == null ? "document gone" : problem) : null;
        }
    }

    private static Value value(BsonDocument event) {
        BsonValue full = event.get("fullDocument");
        if (full != null && full.isDocument()) {
            BsonValue v = full.asDocument().get("value");
            if (v == null || !v.isDocument()) {
                return new Value(null, false, false, "document has no value sub-document ("
                        + (v == null ? "absent" : v.getBsonType()) + ")");
            }
            return new Value(v.asDocument(), false, false, null);
        }
        if (!event.getString("operationType").getValue().equals("update")) {
            return new Value(null, false, false, "insert/replace event has no fullDocument");
        }
        // Update whose lookup found nothing: the document was removed after this write.
        BsonValue ud = event.get("updateDescription");
        BsonDocument updated = ud != null && ud.isDocument() && ud.asDocument().get("updatedFields") instanceof
                BsonDocument u ? u : new BsonDocument();
        BsonValue v = updated.get("value");
        if (v != null && v.isDocument()) {
            return new Value(v.asDocument(), true, false, null);
        }
        BsonValue flag = updated.get("value.deleted");
        boolean flagged = flag != null && flag.isBoolean() && flag.asBoolean().getValue();
        return new Value(null, true, flagged, null);
    }

    private static boolean isDocumentWrite(String operation) {
        return switch (operation) {
            case "insert", "update", "replace", "delete" -> true;
            default -> false;
        };
    }

    private static String collection(BsonDocument event) {
        BsonValue ns = event.get("ns");
        if (ns == null || !ns.isDocument()) {
            return null;
        }
        BsonValue coll = ns.asDocument().get("coll");
        return coll != null && coll.isString() ? coll.asString().getValue() : null;
    }

    /** wallTime (MongoDB 6.0+, ms precision) when present, else the cluster time's second. */
    static long operationTimeMs(BsonDocument event, BsonTimestamp clusterTime) {
        BsonValue wall = event.get("wallTime");
        if (wall != null && wall.isDateTime()) {
            return wall.asDateTime().getValue();
        }
        return ClusterTimes.toEpochMs(clusterTime);
    }
}
