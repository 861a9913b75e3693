package io.backbeat.connect.sandbox.sourcesite;

import io.backbeat.connect.model.ReplicationRule;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

/** Builds bucket metadata values (Arsenal's BucketInfo, model version 16) in CloudServer 8.8's field order. */
final class BucketValues {

    static final int BUCKET_MODEL_VERSION = 16;

    private BucketValues() {
    }

    static BsonDocument newBucket(String name, String ownerId, String ownerDisplayName, String creationDate,
            String locationConstraint, String uid, boolean isTransient) {
        BsonDocument acl = new BsonDocument();
        acl.put("Canned", new BsonString("private"));
        for (String grant : List.of("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP")) {
            acl.put(grant, new BsonArray());
        }
        BsonDocument v = new BsonDocument();
        v.put("acl", acl);
        v.put("name", new BsonString(name));
        v.put("owner", new BsonString(ownerId));
        v.put("ownerDisplayName", new BsonString(ownerDisplayName));
        v.put("creationDate", new BsonString(creationDate));
        v.put("mdBucketModelVersion", new BsonInt32(BUCKET_MODEL_VERSION));
        v.put("transient", BsonBoolean.valueOf(isTransient));
        v.put("deleted", BsonBoolean.FALSE);
        v.put("serverSideEncryption", BsonNull.VALUE);
        v.put("versioningConfiguration", BsonNull.VALUE);
        v.put("locationConstraint", locationConstraint == null ? BsonNull.VALUE : new BsonString(locationConstraint));
        v.put("readLocationConstraint", BsonNull.VALUE);
        v.put("cors", BsonNull.VALUE);
        v.put("replicationConfiguration", BsonNull.VALUE);
        v.put("lifecycleConfiguration", BsonNull.VALUE);
        v.put("bucketPolicy", BsonNull.VALUE);
        v.put("uid", new BsonString(uid));
        v.put("isNFS", BsonNull.VALUE);
        v.put("ingestion", BsonNull.VALUE);
        v.put("azureInfo", BsonNull.VALUE);
        v.put("objectLockEnabled", BsonBoolean.FALSE);
        v.put("objectLockConfiguration", BsonNull.VALUE);
        v.put("notificationConfiguration", BsonNull.VALUE);
        v.put("tags", new BsonArray());
        v.put("quotaMax", new BsonInt32(0));
        return v;
    }

    /** A copy of {@code value} with one field replaced in place (every bucket change rewrites the whole value). */
    static BsonDocument with(BsonDocument value, String field, BsonValue newValue) {
        BsonDocument copy = value.clone();
        copy.put(field, newValue);
        return copy;
    }

    static BsonDocument versioning(String status) {
        return new BsonDocument("Status", new BsonString(status));
    }

    static BsonDocument replication(String role, String destination, List<ReplicationRule> rules) {
        BsonDocument c = new BsonDocument();
        c.put("role", new BsonString(role));
        c.put("destination", new BsonString(destination));
        BsonArray array = new BsonArray();
        for (ReplicationRule r : rules) {
            BsonDocument d = new BsonDocument();
            d.put("id", new BsonString(r.id()));
            d.put("prefix", new BsonString(r.prefix()));
            d.put("enabled", BsonBoolean.valueOf(r.enabled()));
            if (r.storageClass() != null && !r.storageClass().isEmpty()) {
                d.put("storageClass", new BsonString(r.storageClass()));
            }
            array.add(d);
        }
        c.put("rules", array);
        c.put("preferredReadLocation", BsonNull.VALUE);
        return c;
    }
}
