package io.backbeat.connect.sandbox.sourcesite;

import io.backbeat.connect.model.ReplicationInfo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Builds object metadata values field by field in the order CloudServer 8.8 writes them (Arsenal's ObjectMD
 * as serialised by the Node driver: undefined fields absent, numbers as int32 or double). The orders are
 * those of the recorded trace in fixtures/cloudserver-8.8.
 */
final class ObjectValues {

    static final int MD_MODEL_VERSION = 6;
    static final int MPU_PART_MODEL_VERSION = 3;
    static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
    private static final DateTimeFormatter JS_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** The content headers an object keeps, in ObjectMD order. */
    static final List<String> CONTENT_HEADERS_BEFORE_LENGTH = List.of("cache-control", "content-disposition",
            "content-encoding", "expires");

    private ObjectValues() {
    }

    /** JavaScript's {@code Date.toJSON()}: millisecond precision, always with the fraction. */
    static String jsDate(Instant t) {
        return JS_DATE.format(t);
    }

    /** What a new object version is made of; the builder of every value written by a put. */
    static final class NewObject {
        Account owner;
        String key;
        long contentLength;
        String contentMd5;
        Map<String, String> contentHeaders = Map.of(); // cache-control, content-disposition, content-encoding, expires
        String contentType;
        String contentLanguage;
        String creationTime;
        BsonValue location = BsonNull.VALUE;
        Boolean isDeleteMarker = Boolean.FALSE; // null: field absent (copy-object writes none)
        String versionId;
        String uploadId;
        BsonDocument tags = new BsonDocument();
        BsonDocument replicationInfo = replicationInfo(ReplicationInfo.empty());
        String dataStoreName;
        String originOp;
        String lastModified;
        Map<String, String> userMetadata = Map.of();
        String websiteRedirectLocation;

        BsonDocument build() {
            BsonDocument v = new BsonDocument();
            v.put("owner-display-name", new BsonString(owner.displayName()));
            v.put("owner-id", new BsonString(owner.canonicalId()));
            for (String h : CONTENT_HEADERS_BEFORE_LENGTH) {
                String value = contentHeaders.get(h);
                if (value != null) {
                    v.put(h, new BsonString(value));
                }
            }
            v.put("content-length", BsonJson.number(contentLength));
            if (contentType != null) {
                v.put("content-type", new BsonString(contentType));
            }
            v.put("content-md5", new BsonString(contentMd5));
            v.put("content-language", new BsonString(contentLanguage == null ? "" : contentLanguage));
            if (creationTime != null) {
                v.put("creation-time", new BsonString(creationTime));
            }
            v.put("x-amz-version-id", new BsonString("null"));
            v.put("x-amz-server-version-id", new BsonString(""));
            v.put("x-amz-storage-class", new BsonString("STANDARD"));
            v.put("x-amz-server-side-encryption", new BsonString(""));
            v.put("x-amz-server-side-encryption-aws-kms-key-id", new BsonString(""));
            v.put("x-amz-server-side-encryption-customer-algorithm", new BsonString(""));
            v.put("x-amz-website-redirect-location",
                    new BsonString(websiteRedirectLocation == null ? "" : websiteRedirectLocation));
            v.put("x-amz-scal-transition-in-progress", BsonBoolean.FALSE);
            v.put("acl", objectAcl());
            v.put("key", new BsonString(key));
            v.put("location", location);
            if (isDeleteMarker != null) {
                v.put("isDeleteMarker", BsonBoolean.valueOf(isDeleteMarker));
            }
            if (versionId != null) {
                v.put("versionId", new BsonString(versionId));
            }
            if (uploadId != null) {
                v.put("uploadId", new BsonString(uploadId));
            }
            v.put("tags", tags);
            v.put("replicationInfo", replicationInfo);
            v.put("dataStoreName", new BsonString(dataStoreName));
            v.put("originOp", new BsonString(originOp));
            v.put("deleted", BsonBoolean.FALSE);
            v.put("isPHD", BsonBoolean.FALSE);
            v.put("last-modified", new BsonString(lastModified));
            v.put("md-model-version", new BsonInt32(MD_MODEL_VERSION));
            userMetadata.forEach((name, value) -> v.put(name, new BsonString(value)));
            return v;
        }
    }

    static BsonDocument replicationInfo(ReplicationInfo info) {
        return BsonJson.toBson(info.toJsonNode()).asDocument();
    }

    static BsonDocument objectAcl() {
        BsonDocument acl = new BsonDocument();
        acl.put("Canned", new BsonString("private"));
        acl.put("FULL_CONTROL", new BsonArray());
        acl.put("WRITE_ACP", new BsonArray());
        acl.put("READ", new BsonArray());
        acl.put("READ_ACP", new BsonArray());
        return acl;
    }

    /** A {@code location[]} entry of a simple put: the whole object in one data piece. */
    static BsonDocument putLocation(long dataKey, long size, long start, String dataStoreName, int partNumber,
            String md5) {
        BsonDocument l = new BsonDocument();
        l.put("key", BsonJson.number(dataKey));
        l.put("size", BsonJson.number(size));
        l.put("start", BsonJson.number(start));
        l.put("dataStoreName", new BsonString(dataStoreName));
        l.put("dataStoreETag", new BsonString(partNumber + ":" + md5));
        return l;
    }

    /** A {@code location[]} entry as copy-object writes it (CloudServer's data copy orders the fields so). */
    static BsonDocument copyLocation(long dataKey, long size, long start, String dataStoreName, int partNumber,
            String md5) {
        BsonDocument l = new BsonDocument();
        l.put("key", BsonJson.number(dataKey));
        l.put("dataStoreName", new BsonString(dataStoreName));
        l.put("start", BsonJson.number(start));
        l.put("size", BsonJson.number(size));
        l.put("dataStoreETag", new BsonString(partNumber + ":" + md5));
        return l;
    }

    /**
     * The value the three-write delete writes: Arsenal's {@code new ObjectMD(stored)} (model defaults with the
     * stored fields laid over them, unknown fields appended in stored order, {@code creation-time} defaulted
     * from {@code last-modified}), then {@code originOp} and {@code deleted: true}.
     */
    static BsonDocument forDeletion(BsonDocument stored, String originOp) {
        BsonDocument v = new BsonDocument();
        v.put("owner-display-name", new BsonString(""));
        v.put("owner-id", new BsonString(""));
        v.put("cache-control", new BsonString(""));
        v.put("content-disposition", new BsonString(""));
        v.put("content-encoding", new BsonString(""));
        v.put("expires", new BsonString(""));
        v.put("content-length", new BsonInt32(0));
        v.put("content-type", new BsonString(""));
        v.put("content-md5", new BsonString(""));
        v.put("content-language", new BsonString(""));
        v.put("creation-time", BsonNull.VALUE); // placeholder: undefined unless set below
        v.put("x-amz-version-id", new BsonString("null"));
        v.put("x-amz-server-version-id", new BsonString(""));
        v.put("x-amz-storage-class", new BsonString("STANDARD"));
        v.put("x-amz-server-side-encryption", new BsonString(""));
        v.put("x-amz-server-side-encryption-aws-kms-key-id", new BsonString(""));
        v.put("x-amz-server-side-encryption-customer-algorithm", new BsonString(""));
        v.put("x-amz-website-redirect-location", new BsonString(""));
        v.put("x-amz-scal-transition-in-progress", BsonBoolean.FALSE);
        v.put("acl", objectAcl());
        v.put("key", new BsonString(""));
        v.put("location", BsonNull.VALUE);
        List<String> undefinedUnlessStored = List.of("azureInfo", "isNull", "nullVersionId", "nullUploadId",
                "isDeleteMarker", "versionId", "uploadId");
        for (String f : undefinedUnlessStored) {
            v.put(f, BsonNull.VALUE);
        }
        v.put("tags", new BsonDocument());
        v.put("replicationInfo", replicationInfo(ReplicationInfo.empty()));
        v.put("dataStoreName", new BsonString(""));
        v.put("originOp", new BsonString(""));
        v.put("deleted", BsonBoolean.FALSE);
        v.put("isPHD", BsonBoolean.FALSE);
        for (Map.Entry<String, BsonValue> e : stored.entrySet()) {
            v.put(e.getKey(), e.getValue());
        }
        if (!stored.containsKey("creation-time")) {
            BsonValue lastModified = stored.get("last-modified");
            if (lastModified != null && lastModified.isString()) {
                v.put("creation-time", lastModified);
            } else {
                v.remove("creation-time");
            }
        }
        for (String f : undefinedUnlessStored) {
            if (!stored.containsKey(f)) {
                v.remove(f);
            }
        }
        v.put("md-model-version", new BsonInt32(MD_MODEL_VERSION));
        v.put("originOp", new BsonString(originOp));
        v.put("deleted", BsonBoolean.TRUE);
        return v;
    }
}
