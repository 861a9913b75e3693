package io.backbeat.connect.sandbox.sourcesite;

import io.backbeat.connect.model.BucketInfo;
import io.backbeat.connect.model.ReplicationBackend;
import io.backbeat.connect.model.ReplicationConfiguration;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Computes an object's {@code replicationInfo} at write time the way CloudServer does: the first enabled rule
 * whose prefix matches the key; one PENDING backend per site of the rule's storage class; content DATA +
 * METADATA, or METADATA alone for metadata-only changes and empty objects; for cloud sites the storage types
 * and the operation type.
 */
final class ReplicationPolicy {

    /** Site name → storage type: "" for CloudServer-type sites, else e.g. aws_s3, azure, gcp. */
    private final Map<String, String> sites;

    ReplicationPolicy(Map<String, String> sites) {
        this.sites = Map.copyOf(sites);
    }

    boolean isKnownSite(String site) {
        return sites.containsKey(site);
    }

    Map<String, String> sites() {
        return sites;
    }

    /**
     * The replication info of a write, or empty when no rule applies.
     *
     * @param metadataOnly the write changes metadata only (tagging, delete marker)
     * @param operationType the Backbeat operation type for cloud sites (PUT_TAGGING, DELETE_TAGGING), or null
     * @param existing the version's current info (its per-site destination version ids are kept), or null
     */
    Optional<ReplicationInfo> forWrite(BucketInfo bucket, String objectKey, boolean metadataOnly, long size,
            String operationType, ReplicationInfo existing) {
        ReplicationConfiguration config = bucket.replicationConfiguration();
        if (config == null) {
            return Optional.empty();
        }
        Optional<ReplicationRule> rule = config.ruleFor(objectKey);
        if (rule.isEmpty()) {
            return Optional.empty();
        }
        List<String> siteNames = new ArrayList<>();
        List<String> storageTypes = new ArrayList<>();
        for (String s : rule.get().sites()) {
            String site = s.endsWith(":preferred_read") ? s.substring(0, s.indexOf(':')) : s;
            siteNames.add(site);
            String type = sites.get(site);
            if (type != null && !type.isEmpty()) {
                storageTypes.add(type);
            }
        }
        List<String> content = new ArrayList<>(metadataOnly || size == 0 ? List.of("METADATA")
                : List.of("DATA", "METADATA"));
        if (!storageTypes.isEmpty() && operationType != null) {
            content.add(operationType);
        }
        ReplicationInfo info = ReplicationInfo.pending(siteNames, content, config.destination(), config.role(),
                String.join(",", storageTypes));
        return Optional.of(info);
    }

    /** The BSON of {@code info}, keeping the destination version ids {@code existing} recorded per site. */
    static BsonDocument toBson(ReplicationInfo info, ReplicationInfo existing) {
        BsonDocument doc = ObjectValues.replicationInfo(info);
        if (existing != null) {
            for (BsonValue b : doc.getArray("backends")) {
                BsonDocument backend = b.asDocument();
                existing.backend(backend.getString("site").getValue()).map(ReplicationBackend::dataStoreVersionId)
                        .filter(v -> v != null && !v.isEmpty())
                        .ifPresent(v -> backend.put("dataStoreVersionId", new BsonString(v)));
            }
        }
        return doc;
    }

    /** The info a replica carries: status REPLICA, nothing to replicate further. */
    static BsonDocument replica() {
        BsonDocument doc = ObjectValues.replicationInfo(ReplicationInfo.empty());
        doc.put("status", new BsonString("REPLICA"));
        return doc;
    }
}
