package io.backbeat.connect.sandbox.sourcesite;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.WriteConcern;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.backbeat.connect.model.KeyFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CloudServer 8.8's metadata backend (Arsenal's MongoClientInterface) as seen on the wire: the same
 * collections, keys, commands, statements, filters and order. Every object write is an {@code update} with
 * {@code $set: {_id, value}}; multi-statement commands are ordered bulk writes. Buckets use the v1 key format.
 */
final class MetadataStore implements AutoCloseable {

    static final String METASTORE = "__metastore";
    static final String USERS_BUCKET_COLLECTION = "__usersbucket";
    static final String USERS_BUCKET = "users..bucket";
    static final String MPU_SHADOW_PREFIX = "mpuShadowBucket";
    static final String SPLITTER = "..|..";
    static final String ORIGIN_DELETE = "s3:ObjectRemoved:Delete";
    private static final KeyFormat KEYS = KeyFormat.V1;
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);

    private final MongoDatabase db;
    private final VersionIdSource versionIds;
    private final Duration repairDelay;
    private final ScheduledExecutorService repairs;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    MetadataStore(MongoDatabase db, VersionIdSource versionIds, Duration repairDelay) {
        this.db = db;
        this.versionIds = versionIds;
        this.repairDelay = repairDelay;
        this.repairs = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "source-site-phd-repair");
            t.setDaemon(true);
            return t;
        });
    }

    String nextVersionId() {
        return versionIds.next();
    }

    /**
     * Runs a read-modify-write of one object (its master and versions) alone, as CloudServer serialises the writes
     * of one key; writes of different keys run side by side. An object lock may take its bucket's lock inside it
     * (multipart completion: the shadow bucket's uploads), never the other way round.
     */
    <T> T locked(String bucket, String key, Supplier<T> work) {
        return locked(bucket + '\u0000' + key, work);
    }

    /** Runs a change of a bucket's own documents (settings, a shadow bucket's uploads) alone. */
    <T> T locked(String bucket, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(bucket, b -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    MongoCollection<BsonDocument> collection(String name) {
        return db.getCollection(name, BsonDocument.class).withWriteConcern(WriteConcern.MAJORITY);
    }

    // ---------------------------------------------------------------- buckets

    /** The {@code __metastore} document of a bucket, or null. */
    BsonDocument metastoreDocument(String bucket) {
        return collection(METASTORE).find(new BsonDocument("_id", new BsonString(bucket))).first();
    }

    /** CloudServer's start-up write: the {@code users..bucket} entry, when missing. */
    void ensureUsersBucket(BsonDocument value) {
        if (metastoreDocument(USERS_BUCKET) == null) {
            upsertSet(collection(METASTORE), USERS_BUCKET, value, "v0");
        }
    }

    /** Bucket creation: transient metastore entry, collection, users-bucket entry, final metastore entry. */
    void createBucket(String bucket, BsonDocument transientValue, BsonDocument finalValue, String ownerId,
            String usersEntryDate) {
        upsertSet(collection(METASTORE), bucket, transientValue, "v1");
        db.createCollection(bucket);
        BsonDocument usersValue = new BsonDocument("creationDate", new BsonString(usersEntryDate))
                .append("ingestion", BsonNull.VALUE);
        upsertSet(collection(USERS_BUCKET_COLLECTION), ownerId + SPLITTER + bucket, usersValue, null);
        upsertSet(collection(METASTORE), bucket, finalValue, null);
    }

    /** Creates the multipart shadow bucket of {@code bucket} (v0 keys, no users-bucket entry). */
    void createShadowBucket(String shadow, BsonDocument value) {
        upsertSet(collection(METASTORE), shadow, value, "v0");
        db.createCollection(shadow);
    }

    /** Every bucket configuration change rewrites the whole value. */
    void putBucketValue(String bucket, BsonDocument value) {
        upsertSet(collection(METASTORE), bucket, value, null);
    }

    /** The buckets of an account, from {@code __usersbucket}: name → creation date. */
    Map<String, String> bucketsOf(String ownerId) {
        String from = ownerId + SPLITTER;
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (BsonDocument d : collection(USERS_BUCKET_COLLECTION).find(new BsonDocument("_id",
                new BsonDocument("$gte", new BsonString(from)).append("$lt", new BsonString(from + '\uffff'))))
                .sort(new BsonDocument("_id", new org.bson.BsonInt32(1)))) {
            String name = d.getString("_id").getValue().substring(from.length());
            BsonValue date = d.getDocument("value", new BsonDocument()).get("creationDate");
            out.put(name, date != null && date.isString() ? date.asString().getValue() : null);
        }
        return out;
    }

    // ---------------------------------------------------------------- object reads

    /** The value of a master that is not being deleted, or null. */
    BsonDocument master(String bucket, String key) {
        return liveValue(bucket, KEYS.masterKey(key));
    }

    /** The value of one version that is not being deleted, or null. */
    BsonDocument version(String bucket, String key, String versionId) {
        return liveValue(bucket, KEYS.versionKey(key, versionId));
    }

    BsonDocument liveValue(String collection, String id) {
        BsonDocument d = collection(collection).find(liveFilter(id)).first();
        return d == null ? null : d.getDocument("value", null);
    }

    /** The newest version that is not being deleted (v1: smallest version key), or null. */
    BsonDocument latestVersion(String bucket, String key) {
        String from = KEYS.versionKey(key, "x");
        from = from.substring(0, from.length() - 1);
        String to = from.substring(0, from.length() - 1) + (char) (KeyFormat.VERSION_SEPARATOR + 1);
        BsonDocument filter = new BsonDocument("_id", new BsonDocument("$gt", new BsonString(from))
                .append("$lt", new BsonString(to)))
                .append("$or", notDeleted());
        BsonDocument d = collection(bucket).find(filter).sort(new BsonDocument("_id", new org.bson.BsonInt32(1)))
                .limit(1).first();
        return d == null ? null : d.getDocument("value", null);
    }

    /** Documents with {@code from <= _id < to} in key order (listings). */
    List<BsonDocument> scan(String collection, String from, String to) {
        BsonDocument range = new BsonDocument("$gte", new BsonString(from));
        if (to != null) {
            range.append("$lt", new BsonString(to));
        }
        List<BsonDocument> out = new ArrayList<>();
        collection(collection).find(new BsonDocument("_id", range))
                .sort(new BsonDocument("_id", new org.bson.BsonInt32(1))).into(out);
        return out;
    }

    // ---------------------------------------------------------------- object writes

    /** Versioned put: one command, version upsert then master upsert guarded against older versions. */
    void putVersion(String bucket, String key, String versionId, BsonDocument value) {
        String versionKey = KEYS.versionKey(key, versionId);
        String masterKey = KEYS.masterKey(key);
        List<WriteModel<BsonDocument>> ops = List.of(
                new UpdateOneModel<>(idFilter(versionKey), setIdValue(versionKey, value),
                        new UpdateOptions().upsert(true)),
                new UpdateOneModel<>(newerThanFilter(masterKey, versionId), setIdValue(masterKey, value),
                        new UpdateOptions().upsert(true)));
        try {
            collection(bucket).bulkWrite(ops, new BulkWriteOptions().ordered(true));
        } catch (MongoBulkWriteException e) {
            // E11000 on the master: a newer version is already the master, as CloudServer accepts.
            for (BulkWriteError err : e.getWriteErrors()) {
                if (err.getIndex() != 1 || ErrorCategory.fromErrorCode(err.getCode())
                        != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
        }
    }

    /** Delete marker (v1): the marker version is upserted, then the master deleted if not newer. */
    void putDeleteMarker(String bucket, String key, String versionId, BsonDocument value) {
        String versionKey = KEYS.versionKey(key, versionId);
        collection(bucket).updateOne(idFilter(versionKey), setIdValue(versionKey, value),
                new UpdateOptions().upsert(true));
        collection(bucket).deleteOne(newerThanFilter(KEYS.masterKey(key), versionId));
    }

    /** Non-versioned put: the master alone. */
    void putMaster(String bucket, String key, BsonDocument value) {
        String masterKey = KEYS.masterKey(key);
        collection(bucket).updateOne(idFilter(masterKey), setIdValue(masterKey, value),
                new UpdateOptions().upsert(true));
    }

    /**
     * Rewrites an existing version (tagging, status write-back): one command, the version upsert and, when the
     * master holds that version, the master update.
     */
    void updateVersion(String bucket, String key, String versionId, BsonDocument value) {
        String versionKey = KEYS.versionKey(key, versionId);
        String masterKey = KEYS.masterKey(key);
        List<WriteModel<BsonDocument>> ops = new ArrayList<>();
        ops.add(new UpdateOneModel<>(idFilter(versionKey), setIdValue(versionKey, value),
                new UpdateOptions().upsert(true)));
        BsonDocument mst = master(bucket, key);
        if (mst != null && versionId.equals(stringField(mst, "versionId"))) {
            ops.add(new UpdateOneModel<>(idFilter(masterKey).append("value.versionId", new BsonString(versionId)),
                    setIdValue(masterKey, value), new UpdateOptions().upsert(false)));
        }
        collection(bucket).bulkWrite(ops, new BulkWriteOptions().ordered(true));
    }

    /** Non-versioned delete without lifecycle or notification configuration: a plain delete. */
    void deleteMaster(String bucket, String key) {
        collection(bucket).deleteOne(idFilter(KEYS.masterKey(key)));
    }

    /**
     * Permanent delete of one version (Arsenal's deleteObjectVer). When it is the master: the master becomes a
     * placeholder with a fresh version id, the version is deleted, then the placeholder is deleted (three-write
     * delete) when no live version is left or the latest is a delete marker, else repaired later.
     */
    void deleteVersion(String bucket, String key, String versionId) {
        BsonDocument mst = master(bucket, key);
        if (mst == null) {
            mst = latestVersion(bucket, key);
        }
        String versionKey = KEYS.versionKey(key, versionId);
        if (mst != null && (isTrue(mst, "isPHD") || versionId.equals(stringField(mst, "versionId")))) {
            String masterKey = KEYS.masterKey(key);
            String phdVersionId = versionIds.next();
            collection(bucket).updateOne(idFilter(masterKey), new BsonDocument("$set", new BsonDocument()
                    .append("_id", new BsonString(masterKey))
                    .append("value.isPHD", BsonBoolean.TRUE)
                    .append("value.versionId", new BsonString(phdVersionId))
                    .append("value.deleted", BsonBoolean.FALSE)), new UpdateOptions().upsert(true));
            collection(bucket).deleteOne(idFilter(versionKey));
            deleteOrRepairPlaceholder(bucket, key, phdVersionId);
        } else {
            collection(bucket).deleteOne(idFilter(versionKey));
        }
    }

    private void deleteOrRepairPlaceholder(String bucket, String key, String phdVersionId) {
        BsonDocument latest = latestVersion(bucket, key);
        BsonDocument placeholder = new BsonDocument("value.isPHD", BsonBoolean.TRUE)
                .append("value.versionId", new BsonString(phdVersionId));
        if (latest == null || isTrue(latest, "isDeleteMarker")) {
            threeWriteDelete(bucket, KEYS.masterKey(key), placeholder, ORIGIN_DELETE);
            return;
        }
        repairs.schedule(() -> {
            try {
                locked(bucket, key, () -> {
                    repairPlaceholder(bucket, key, placeholder);
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.error("repairing the placeholder master of {}/{} failed", bucket, key, e);
            }
        }, repairDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void repairPlaceholder(String bucket, String key, BsonDocument placeholder) {
        BsonDocument latest = latestVersion(bucket, key);
        if (latest == null) {
            return;
        }
        String masterKey = KEYS.masterKey(key);
        BsonDocument value = latest.clone();
        value.put("originOp", new BsonString(ORIGIN_DELETE));
        BsonDocument filter = idFilter(masterKey);
        placeholder.forEach(filter::append);
        try {
            collection(bucket).findOneAndReplace(filter, new BsonDocument("_id", new BsonString(masterKey))
                    .append("value", value), new FindOneAndReplaceOptions().upsert(true));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // a newer put replaced the placeholder meanwhile: nothing to repair
        }
    }

    /**
     * Arsenal's internalDeleteObject: flag {@code value.deleted} (findAndModify), rewrite the full value with
     * {@code deleted: true} so the journal carries the metadata, then delete. False when nothing matched.
     */
    boolean threeWriteDelete(String collectionName, String id, BsonDocument extraFilter, String originOp) {
        MongoCollection<BsonDocument> c = collection(collectionName);
        BsonDocument find = liveFilter(id);
        extraFilter.forEach(find::append);
        BsonDocument old = c.findOneAndUpdate(find, new BsonDocument("$set", new BsonDocument("_id",
                new BsonString(id)).append("value.deleted", BsonBoolean.TRUE)),
                new FindOneAndUpdateOptions().upsert(false).returnDocument(ReturnDocument.BEFORE));
        if (old == null) {
            return false;
        }
        BsonDocument flagged = idFilter(id).append("value.deleted", BsonBoolean.TRUE);
        extraFilter.forEach(flagged::append);
        BsonDocument value = ObjectValues.forDeletion(old.getDocument("value", new BsonDocument()), originOp);
        c.updateOne(flagged, setIdValue(id, value), new UpdateOptions().upsert(false));
        c.deleteOne(flagged);
        return true;
    }

    /** A plain {@code $set: {_id, value}} upsert of a document of any collection (shadow bucket entries). */
    void upsert(String collectionName, String id, BsonDocument value) {
        upsertSet(collection(collectionName), id, value, null);
    }

    // ---------------------------------------------------------------- helpers

    private static void upsertSet(MongoCollection<BsonDocument> c, String id, BsonDocument value, String vFormat) {
        BsonDocument set = new BsonDocument("_id", new BsonString(id)).append("value", value);
        if (vFormat != null) {
            set.append("vFormat", new BsonString(vFormat));
        }
        c.updateOne(idFilter(id), new BsonDocument("$set", set), new UpdateOptions().upsert(true));
    }

    static BsonDocument idFilter(String id) {
        return new BsonDocument("_id", new BsonString(id));
    }

    private static BsonDocument setIdValue(String id, BsonDocument value) {
        return new BsonDocument("$set", new BsonDocument("_id", new BsonString(id)).append("value", value));
    }

    /** {@code {_id, $or: [{value.versionId: {$exists: false}}, {value.versionId: {$gt: vid}}]}}. */
    private static BsonDocument newerThanFilter(String masterKey, String versionId) {
        BsonArray or = new BsonArray();
        or.add(new BsonDocument("value.versionId", new BsonDocument("$exists", BsonBoolean.FALSE)));
        or.add(new BsonDocument("value.versionId", new BsonDocument("$gt", new BsonString(versionId))));
        return idFilter(masterKey).append("$or", or);
    }

    private static BsonDocument liveFilter(String id) {
        return idFilter(id).append("$or", notDeleted());
    }

    private static BsonArray notDeleted() {
        BsonArray or = new BsonArray();
        or.add(new BsonDocument("value.deleted", new BsonDocument("$exists", BsonBoolean.FALSE)));
        or.add(new BsonDocument("value.deleted", new BsonDocument("$eq", BsonBoolean.FALSE)));
        return or;
    }

    static String stringField(BsonDocument value, String field) {
        BsonValue v = value.get(field);
        return v != null && v.isString() ? v.asString().getValue() : null;
    }

    static boolean isTrue(BsonDocument value, String field) {
        BsonValue v = value.get(field);
        return v != null && v.isBoolean() && v.asBoolean().getValue();
    }

    @Override
    public void close() {
        repairs.shutdownNow();
    }
}
