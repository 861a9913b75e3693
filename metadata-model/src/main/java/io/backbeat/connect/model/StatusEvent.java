package io.backbeat.connect.model;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * The outcome of replicating one object version to one site, as published on {@value #TOPIC} (key
 * {@code bucket/objectKey}, like the log entry it answers).
 *
 * @param bucket source bucket
 * @param objectKey source object key
 * @param versionId external (S3) source version id; null for a master without version
 * @param site destination site
 * @param status COMPLETED, FAILED or PENDING (PENDING: queued again, e.g. a retry)
 * @param destinationVersionId the replica's version id at the site, null when unknown
 * @param reason AWS-style failure code ({@code DstBucketNotFound}, …), null unless FAILED
 * @param attempts number of attempts made (≥ 0)
 * @param sourceWriteTimeMs when the source version was written (its log entry's time), epoch ms
 * @param replicatedTimeMs when the replica was written, epoch ms; null unless COMPLETED
 * @param contentLength bytes replicated, null when unknown
 * @param sourceFingerprint {@link ObjectMetadata#replicationFingerprint()} of the source metadata the replica was
 *        made from; null when unknown (events from before schema version 2, FAILED and PENDING events). The
 *        status sink completes a site only while the source still has this fingerprint.
 */
public record StatusEvent(String bucket, String objectKey, String versionId, String site, ReplicationStatus status,
        String destinationVersionId, String reason, int attempts, long sourceWriteTimeMs, Long replicatedTimeMs,
        Long contentLength, String sourceFingerprint) {

    public static final String TOPIC = "backbeat-replication-status";
    public static final String SCHEMA_NAME = "io.backbeat.connect.StatusEvent";
    public static final int SCHEMA_VERSION = 2;
    public static final Schema KEY_SCHEMA = Schema.STRING_SCHEMA;

    private static final Set<ReplicationStatus> ALLOWED =
            EnumSet.of(ReplicationStatus.COMPLETED, ReplicationStatus.FAILED, ReplicationStatus.PENDING);

    public static final Schema SCHEMA = SchemaBuilder.struct()
            .name(SCHEMA_NAME)
            .version(SCHEMA_VERSION)
            .doc("Replication outcome of one object version at one site (Backbeat Connect)")
            .field("bucket", SchemaBuilder.string().doc("source bucket").build())
            .field("objectKey", SchemaBuilder.string().doc("source object key").build())
            .field("versionId", SchemaBuilder.string().optional()
                    .doc("external (S3) source version id; null for a master without version").build())
            .field("site", SchemaBuilder.string().doc("destination site").build())
            .field("status", SchemaBuilder.string().doc("COMPLETED | FAILED | PENDING").build())
            .field("destinationVersionId", SchemaBuilder.string().optional()
                    .doc("version id of the replica at the site").build())
            .field("reason", SchemaBuilder.string().optional()
                    .doc("AWS-style failure code, e.g. DstBucketNotFound").build())
            .field("attempts", SchemaBuilder.int32().doc("attempts made").build())
            .field("sourceWriteTimeMs", SchemaBuilder.int64().doc("source version write time, epoch ms").build())
            .field("replicatedTimeMs", SchemaBuilder.int64().optional().doc("replica write time, epoch ms").build())
            .field("contentLength", SchemaBuilder.int64().optional().doc("bytes replicated").build())
            .field("sourceFingerprint", SchemaBuilder.string().optional()
                    .doc("replication fingerprint of the source metadata the replica was made from (since v2)").build())
            .build();

    /**
     * Validates the event.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public StatusEvent {
        require(bucket != null && !bucket.isEmpty(), "field 'bucket' is required");
        require(objectKey != null && !objectKey.isEmpty(), "field 'objectKey' is required");
        require(site != null && !site.isEmpty(), "field 'site' is required");
        require(status != null, "field 'status' is required");
        require(ALLOWED.contains(status), "field 'status' must be COMPLETED, FAILED or PENDING, got " + status);
        require(attempts >= 0, "field 'attempts' must not be negative");
        require(sourceWriteTimeMs >= 0, "field 'sourceWriteTimeMs' must not be negative");
        require(contentLength == null || contentLength >= 0, "field 'contentLength' must not be negative");
    }

    /** An event without source fingerprint (as written before schema version 2). */
    public StatusEvent(String bucket, String objectKey, String versionId, String site, ReplicationStatus status,
            String destinationVersionId, String reason, int attempts, long sourceWriteTimeMs, Long replicatedTimeMs,
            Long contentLength) {
        this(bucket, objectKey, versionId, site, status, destinationVersionId, reason, attempts, sourceWriteTimeMs,
                replicatedTimeMs, contentLength, null);
    }

    /** A copy carrying the fingerprint of the source metadata the replica was made from. */
    public StatusEvent withSourceFingerprint(String fingerprint) {
        return new StatusEvent(bucket, objectKey, versionId, site, status, destinationVersionId, reason, attempts,
                sourceWriteTimeMs, replicatedTimeMs, contentLength, fingerprint);
    }

    /** The Kafka record key. */
    public String kafkaKey() {
        return bucket + "/" + objectKey;
    }

    public Struct toStruct() {
        return new Struct(SCHEMA)
                .put("bucket", bucket)
                .put("objectKey", objectKey)
                .put("versionId", versionId)
                .put("site", site)
                .put("status", status.name())
                .put("destinationVersionId", destinationVersionId)
                .put("reason", reason)
                .put("attempts", attempts)
                .put("sourceWriteTimeMs", sourceWriteTimeMs)
                .put("replicatedTimeMs", replicatedTimeMs)
                .put("contentLength", contentLength)
                .put("sourceFingerprint", sourceFingerprint);
    }

    /**
     * Reads an event from a Struct of {@link #SCHEMA} (or any schema with the same fields).
     *
     * @throws DataException naming the field that is missing, null, of the wrong type or invalid
     */
    public static StatusEvent fromStruct(Struct struct) {
        return fromValue(struct);
    }

    /** Like {@link #fromStruct} for a Struct or a schemaless Map. */
    public static StatusEvent fromValue(Object value) {
        ConnectValues v = ConnectValues.of("StatusEvent", value);
        String bucket = v.requiredString("bucket");
        String objectKey = v.requiredString("objectKey");
        String versionId = v.optionalString("versionId");
        String site = v.requiredString("site");
        String status = v.requiredString("status");
        String destinationVersionId = v.optionalString("destinationVersionId");
        String reason = v.optionalString("reason");
        long attempts = v.requiredLong("attempts");
        long sourceWriteTimeMs = v.requiredLong("sourceWriteTimeMs");
        Long replicatedTimeMs = v.optionalLong("replicatedTimeMs");
        Long contentLength = v.optionalLong("contentLength");
        String sourceFingerprint = v.laterString("sourceFingerprint");
        return ConnectValues.build("StatusEvent", () -> {
            ReplicationStatus parsed;
            try {
                parsed = ReplicationStatus.parse(status);
            } catch (InvalidMetadataException e) {
                throw new IllegalArgumentException("field 'status': " + e.getMessage(), e);
            }
            if (attempts > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("field 'attempts' is too large: " + attempts);
            }
            return new StatusEvent(bucket, objectKey, versionId, site, parsed, destinationVersionId, reason,
                    (int) attempts, sourceWriteTimeMs, replicatedTimeMs, contentLength, sourceFingerprint);
        });
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
