package io.backbeat.connect.model;

import java.util.Locale;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * One change of the metadata journal, as published on {@value #TOPIC}. Object entries are keyed
 * {@code bucket/objectKey} (no version suffix, so every change of one object lands in one partition, in
 * order); bucket entries ({@code __metastore} changes) are keyed by the bucket name.
 *
 * @param kind object or bucket entry
 * @param type put (insert, update, replace) or delete
 * @param bucket the bucket name (collection name for objects, {@code _id} for bucket entries)
 * @param objectKey the S3 object key; null for bucket entries
 * @param versionId the external (S3) version id; null for masters without version and bucket entries
 * @param rawKey the MongoDB document {@code _id}
 * @param metadata the document's {@code value} as JSON; null when absent (plain deletes)
 * @param operationTimeMs the operation's cluster time, epoch milliseconds
 */
public record LogEntry(Kind kind, Type type, String bucket, String objectKey, String versionId, String rawKey,
        String metadata, long operationTimeMs) {

    public static final String TOPIC = "backbeat-metadata-log";
    public static final String SCHEMA_NAME = "io.backbeat.connect.LogEntry";
    public static final int SCHEMA_VERSION = 1;
    /**
     * Record header (boolean true) on a journal record whose change was written before the source task that
     * journaled it started: the task's predecessor may have journaled it already (a crash loses the offsets of
     * its last flush interval). A sink looks for the replica of such an entry before copying it.
     */
    public static final String POSSIBLE_REPLAY_HEADER = "backbeat.possible-replay";

    /** Schema of the Kafka key: {@code bucket/objectKey} or the bucket name. */
    public static final Schema KEY_SCHEMA = Schema.STRING_SCHEMA;

    public static final Schema SCHEMA = SchemaBuilder.struct()
            .name(SCHEMA_NAME)
            .version(SCHEMA_VERSION)
            .doc("One change of CloudServer's metadata journal (Backbeat Connect)")
            .field("kind", SchemaBuilder.string().doc("object | bucket").build())
            .field("type", SchemaBuilder.string().doc("put | delete").build())
            .field("bucket", SchemaBuilder.string().doc("bucket name").build())
            .field("objectKey", SchemaBuilder.string().optional().doc("S3 object key; null for bucket entries").build())
            .field("versionId", SchemaBuilder.string().optional()
                    .doc("external (S3) version id; null for masters without version and bucket entries").build())
            .field("rawKey", SchemaBuilder.string().doc("MongoDB document _id").build())
            .field("metadata", SchemaBuilder.string().optional()
                    .doc("the document's value as JSON (object or bucket metadata); null when absent").build())
            .field("operationTimeMs", SchemaBuilder.int64().doc("cluster time of the change, epoch ms").build())
            .build();

    /** Object or bucket entry. */
    public enum Kind {
        OBJECT,
        BUCKET;

        /** The value written in the Struct ({@code object}, {@code bucket}). */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind fromWire(String s) {
            for (Kind k : values()) {
                if (k.wireName().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("field 'kind' must be object or bucket, got \"" + s + "\"");
        }
    }

    /** Put (the document exists after the change) or delete. */
    public enum Type {
        PUT,
        DELETE;

        /** The value written in the Struct ({@code put}, {@code delete}). */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Type fromWire(String s) {
            for (Type t : values()) {
                if (t.wireName().equalsIgnoreCase(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("field 'type' must be put or delete, got \"" + s + "\"");
        }
    }

    /**
     * Validates the entry.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public LogEntry {
        require(kind != null, "field 'kind' is required");
        require(type != null, "field 'type' is required");
        require(bucket != null && !bucket.isEmpty(), "field 'bucket' is required");
        require(rawKey != null && !rawKey.isEmpty(), "field 'rawKey' is required");
        if (kind == Kind.OBJECT) {
            require(objectKey != null && !objectKey.isEmpty(), "field 'objectKey' is required for object entries");
        } else {
            require(objectKey == null, "field 'objectKey' must be null for bucket entries");
            require(versionId == null, "field 'versionId' must be null for bucket entries");
        }
        require(type != Type.PUT || metadata != null, "field 'metadata' is required for put entries");
        require(operationTimeMs >= 0, "field 'operationTimeMs' must not be negative");
    }

    /** An object entry. */
    public static LogEntry object(Type type, String bucket, String objectKey, String versionId, String rawKey,
            String metadata, long operationTimeMs) {
        return new LogEntry(Kind.OBJECT, type, bucket, objectKey, versionId, rawKey, metadata, operationTimeMs);
    }

    /**
     * An object entry for a document of a bucket's collection: the object key and S3 version id are taken
     * from the raw key and the metadata (a version key gives its version id, "null" for a null version; a
     * master gives the version id recorded in its metadata, or null when there is none).
     *
     * @param format the bucket's key format, or null to recognise it from the key
     * @param metadata the document's {@code value} as JSON, null when absent
     * @throws InvalidMetadataException when the key or the metadata cannot be decoded
     */
    public static LogEntry ofObjectDocument(Type type, String bucket, String rawKey, KeyFormat format,
            String metadata, long operationTimeMs) {
        MetadataKey key = format == null ? MetadataKey.parse(rawKey) : MetadataKey.parse(rawKey, format);
        ObjectMetadata md = metadata == null ? null : ObjectMetadata.parse(metadata);
        String versionId;
        if (key.isVersion()) {
            versionId = md != null && md.isNull() ? VersionIds.NULL : VersionIds.encode(key.internalVersionId());
        } else {
            versionId = md == null ? null : md.externalVersionId();
        }
        return object(type, bucket, key.objectKey(), versionId, rawKey, metadata, operationTimeMs);
    }

    /** A bucket entry ({@code __metastore} change; rawKey is the bucket name). */
    public static LogEntry bucket(Type type, String bucket, String metadata, long operationTimeMs) {
        return new LogEntry(Kind.BUCKET, type, bucket, null, null, bucket, metadata, operationTimeMs);
    }

    /** The Kafka record key. */
    public String kafkaKey() {
        return kind == Kind.OBJECT ? bucket + "/" + objectKey : bucket;
    }

    public boolean isObject() {
        return kind == Kind.OBJECT;
    }

    public boolean isBucket() {
        return kind == Kind.BUCKET;
    }

    /** The decoded raw key of an object entry (format recognised from the key). */
    public MetadataKey metadataKey() {
        if (kind != Kind.OBJECT) {
            throw new IllegalStateException("a bucket entry has no object key");
        }
        return MetadataKey.parse(rawKey);
    }

    /**
     * The parsed object metadata; null when {@link #metadata()} is null.
     *
     * @throws IllegalStateException for a bucket entry
     * @throws InvalidMetadataException when the metadata is malformed
     */
    public ObjectMetadata objectMetadata() {
        if (kind != Kind.OBJECT) {
            throw new IllegalStateException("a bucket entry carries bucket metadata, not object metadata");
        }
        return metadata == null ? null : ObjectMetadata.parse(metadata);
    }

    /**
     * The parsed bucket metadata; null when {@link #metadata()} is null.
     *
     * @throws IllegalStateException for an object entry
     */
    public BucketInfo bucketInfo() {
        if (kind != Kind.BUCKET) {
            throw new IllegalStateException("an object entry carries object metadata, not bucket metadata");
        }
        return metadata == null ? null : BucketInfo.parse(metadata);
    }

    public Struct toStruct() {
        return new Struct(SCHEMA)
                .put("kind", kind.wireName())
                .put("type", type.wireName())
                .put("bucket", bucket)
                .put("objectKey", objectKey)
                .put("versionId", versionId)
                .put("rawKey", rawKey)
                .put("metadata", metadata)
                .put("operationTimeMs", operationTimeMs);
    }

    /**
     * Reads an entry from a record value: a Struct of {@link #SCHEMA} (or any schema with the same fields),
     * or a schemaless Map with the same field names.
     *
     * @throws DataException naming the field that is missing, null, of the wrong type or invalid
     */
    public static LogEntry fromStruct(Struct struct) {
        return fromValue(struct);
    }

    /** Like {@link #fromStruct} for a Struct or a schemaless Map. */
    public static LogEntry fromValue(Object value) {
        ConnectValues v = ConnectValues.of("LogEntry", value);
        String kind = v.requiredString("kind");
        String type = v.requiredString("type");
        String bucket = v.requiredString("bucket");
        String objectKey = v.optionalString("objectKey");
        String versionId = v.optionalString("versionId");
        String rawKey = v.requiredString("rawKey");
        String metadata = v.optionalString("metadata");
        long time = v.requiredLong("operationTimeMs");
        return ConnectValues.build("LogEntry", () -> new LogEntry(Kind.fromWire(kind), Type.fromWire(type), bucket,
                objectKey, versionId, rawKey, metadata, time));
    }

    @Override
    public String toString() {
        return "LogEntry[" + kind.wireName() + " " + type.wireName() + " " + kafkaKey()
                + (versionId == null ? "" : " version " + versionId) + " at " + operationTimeMs + "]";
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
