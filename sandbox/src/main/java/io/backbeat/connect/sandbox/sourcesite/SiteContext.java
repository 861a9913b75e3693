package io.backbeat.connect.sandbox.sourcesite;

import io.backbeat.connect.model.BucketInfo;
import io.backbeat.connect.model.VersionIds;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.bson.BsonDocument;

/** What the S3 operations share: stores, rules, clock and the site's fixed settings. */
final class SiteContext {

    /** The data backend name CloudServer records in {@code location[]} (its in-memory data backend). */
    static final String DATA_BACKEND = "mem";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    final MetadataStore metadata;
    final DataStore data;
    final ReplicationPolicy replication;
    final Clock clock;
    final String locationConstraint;

    SiteContext(MetadataStore metadata, DataStore data, ReplicationPolicy replication, Clock clock,
            String locationConstraint) {
        this.metadata = metadata;
        this.data = data;
        this.replication = replication;
        this.clock = clock;
        this.locationConstraint = locationConstraint;
    }

    String now() {
        return ObjectValues.jsDate(clock.instant());
    }

    /** A bucket as stored: its parsed info and raw value. */
    record Bucket(String name, BucketInfo info, BsonDocument value) {
        boolean versioned() {
            return info.isVersioningEnabled();
        }
    }

    /** The bucket a request addresses; NoSuchBucket unless it exists, AccessDenied unless the caller owns it. */
    Bucket bucket(String name, Account caller) {
        BsonDocument doc = metadata.metastoreDocument(name);
        if (doc == null || name.startsWith(MetadataStore.MPU_SHADOW_PREFIX)
                || name.equals(MetadataStore.USERS_BUCKET)) {
            throw S3Exception.noSuchBucket(name);
        }
        BsonDocument value = doc.getDocument("value");
        String vFormat = doc.containsKey("vFormat") ? doc.getString("vFormat").getValue() : null;
        BucketInfo info = BucketInfo.fromJson(BsonJson.toJson(value), vFormat);
        if (info.isDeleted() || info.isTransient()) {
            throw S3Exception.noSuchBucket(name);
        }
        if (!caller.canonicalId().equals(info.owner())) {
            throw new S3Exception(403, "AccessDenied", "bucket " + name + " belongs to another account");
        }
        if (!"v1".equals(vFormat)) {
            throw S3Exception.notImplemented("object operations on buckets in key format " + vFormat
                    + " (the emulator writes v1 buckets only)");
        }
        return new Bucket(name, info, value);
    }

    /** The internal version id of an S3 version id; InvalidArgument when it is not one. */
    static String internalVersionId(String external) {
        try {
            String internal = VersionIds.decode(external);
            VersionIds.epochMillis(internal);
            return internal;
        } catch (IllegalArgumentException e) { // InvalidMetadataException included
            throw S3Exception.invalidArgument("Invalid version id specified: " + external);
        }
    }

    static String httpDate(Instant t) {
        return HTTP_DATE.format(t);
    }
}
