package io.backbeat.connect.sink.status;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;

import io.backbeat.connect.model.InvalidMetadataException;
import io.backbeat.connect.model.KeyFormat;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.VersionIds;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.retry.Side;

/**
 * Writes status straight into CloudServer's MongoDB: the version document, and the master document when it
 * holds the same version (as CloudServer's backbeat route would).
 *
 * <p>Every write is conditional on the document being exactly as it was read ({@code {_id, value: <value as
 * read>}}): when another writer (a second status task, CloudServer) changed it in between, nothing is
 * written, the document is read again and the change decided again. So two sites completing at once never
 * lose an update. Only {@code value.replicationInfo} is written: the rest of the document is CloudServer's.
 */
public final class MongoMetadataWriter implements MetadataWriter {

    static final String METASTORE = "__metastore";

    /** Called between a read and its conditional write; a seam for tests that race two writers. */
    @FunctionalInterface
    interface BeforeWrite {
        void run(String documentId) throws Exception;
    }

    private final MongoClient client;
    private final MongoDatabase database;
    private final int maxConflicts;
    private final Map<String, KeyFormat> formats = new ConcurrentHashMap<>();
    private volatile BeforeWrite beforeWrite = id -> { };

    /**
     * @param maxConflicts conditional writes redone in a row before the update fails (as a retryable failure,
     *                     so the retry policy takes over)
     */
    public MongoMetadataWriter(String uri, String database, int maxConflicts) {
        this.client = MongoClients.create(uri);
        this.database = client.getDatabase(database);
        this.maxConflicts = maxConflicts;
    }

    void beforeWrite(BeforeWrite hook) {
        this.beforeWrite = hook;
    }

    @Override
    public Result update(String bucket, String objectKey, String versionId, Change change) throws Exception {
        KeyFormat format = keyFormat(bucket);
        if (format == null) {
            return MetadataWriter.missing();
        }
        MongoCollection<BsonDocument> collection = database.getCollection(bucket, BsonDocument.class);
        String masterId = format.masterKey(objectKey);
        boolean nullVersion = versionId == null || VersionIds.NULL.equals(versionId);
        String internal = nullVersion ? null : VersionIds.decode(versionId);
        String targetId = nullVersion ? nullVersionDocument(collection, format, objectKey)
                : format.versionKey(objectKey, internal);
        if (targetId == null) {
            return MetadataWriter.missing();
        }
        int[] conflicts = {0};
        Decision decision = updateDocument(collection, bucket, targetId, null, change, conflicts);
        if (decision == null) {
            formats.remove(bucket); // the bucket may have been recreated in another format
            return MetadataWriter.missing();
        }
        if (!targetId.equals(masterId)) {
            // the master carries a copy of the latest version: keep it in step. Also when the version needed no
            // write: a task that stopped between the two writes left the master behind.
            String held = internal;
            updateDocument(collection, bucket, masterId, md -> held != null && held.equals(md.versionId())
                    || held == null && md.isNull(), change, conflicts);
        }
        return new Result(decision, conflicts[0]);
    }

    /**
     * Read, decide, conditional write, until the write finds the document as it was read.
     *
     * @param holds null, or which stored metadata this document must hold to be updated (the master)
     * @return the decision written or kept; null when the document does not exist, is being deleted, or (the
     *         master) does not hold the version
     */
    private Decision updateDocument(MongoCollection<BsonDocument> collection, String bucket, String id,
                                    java.util.function.Predicate<ObjectMetadata> holds, Change change,
                                    int[] conflicts) throws Exception {
        for (int attempt = 0; ; attempt++) {
            BsonDocument doc = collection.find(Filters.eq("_id", id)).first();
            if (doc == null) {
                return null;
            }
            BsonValue value = doc.get("value");
            if (value == null || !value.isDocument()) {
                throw new InvalidMetadataException("metadata document " + bucket + "/" + printable(id)
                        + " has no 'value' object");
            }
            ObjectMetadata current = ObjectMetadata.fromBson(value.asDocument());
            if (current.isDeleted() || current.isPhd() || holds != null && !holds.test(current)) {
                return null;
            }
            Decision decision = change.decide(current);
            if (!decision.writes()) {
                return decision;
            }
            BsonDocument info = BsonDocument.parse(decision.updated().replicationInfo().toJson());
            beforeWrite.run(id);
            Bson unchanged = Filters.and(Filters.eq("_id", id), Filters.eq("value", value));
            UpdateResult written = collection.updateOne(unchanged, Updates.set("value.replicationInfo", info));
            if (written.getMatchedCount() == 1) {
                return decision;
            }
            conflicts[0]++;
            if (attempt + 1 >= maxConflicts) {
                throw new ReplicationFailure("SrcMetadataWriteConflict", true, Side.SOURCE_METADATA,
                        "metadata document " + bucket + "/" + printable(id) + " changed under " + (attempt + 1)
                                + " conditional writes in a row", null);
            }
        }
    }

    /** The document holding the null version: the master, or the version document CloudServer moved it to. */
    private static String nullVersionDocument(MongoCollection<BsonDocument> collection, KeyFormat format,
                                              String objectKey) {
        String masterId = format.masterKey(objectKey);
        BsonDocument master = collection.find(Filters.eq("_id", masterId)).first();
        if (master != null && master.isDocument("value")) {
            BsonDocument value = master.getDocument("value");
            boolean hasVersion = value.isString("versionId") && !value.getString("versionId").getValue().isEmpty();
            if (!hasVersion || value.getBoolean("isNull", org.bson.BsonBoolean.FALSE).getValue()) {
                return masterId;
            }
        }
        // version keys of the object are <prefix><key>\0<vid>: the range [<prefix><key>\0, <prefix><key>\1)
        String anyVersion = format.versionKey(objectKey, "x");
        String from = anyVersion.substring(0, anyVersion.length() - 1);
        String to = from.substring(0, from.length() - 1) + '\u0001';
        BsonDocument held = collection.find(Filters.and(Filters.gte("_id", from), Filters.lt("_id", to),
                Filters.eq("value.isNull", true))).first();
        return held == null ? null : held.getString("_id").getValue();
    }

    /** The bucket's key format from {@code __metastore}; null when the bucket does not exist. */
    private KeyFormat keyFormat(String bucket) {
        KeyFormat known = formats.get(bucket);
        if (known != null) {
            return known;
        }
        BsonDocument entry = database.getCollection(METASTORE, BsonDocument.class)
                .find(Filters.eq("_id", bucket)).first();
        if (entry == null) {
            return null;
        }
        String vFormat = entry.isString("vFormat") ? entry.getString("vFormat").getValue() : null;
        KeyFormat format = KeyFormat.fromVFormat(vFormat);
        formats.put(bucket, format);
        return format;
    }

    private static String printable(String id) {
        return id.replace("\u007f", "\\x7f").replace("\u0000", "\\0");
    }

    @Override
    public String name() {
        return "mongodb";
    }

    @Override
    public void close() {
        client.close();
    }
}
