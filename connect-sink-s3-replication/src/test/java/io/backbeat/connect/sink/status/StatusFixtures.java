package io.backbeat.connect.sink.status;

import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.model.VersionIds;

/**
 * Object metadata as CloudServer 8.8 writes it (shape of {@code src/k3} in the recorded fixture
 * {@code fixtures/cloudserver-8.8/final-dump.json}), replicated to two sites.
 */
final class StatusFixtures {

    static final String SITE_A = "site-a";
    static final String SITE_B = "site-b";
    static final String INTERNAL_VERSION = "98204691666190999999RG001  16051.6";
    static final String VERSION = VersionIds.encode(INTERNAL_VERSION);

    private StatusFixtures() {
    }

    /** The {@code value} of a version pending for both sites, as canonical Extended JSON. */
    static String pendingValue(String key, String internalVersion) {
        return """
                {"owner-display-name": "Bart", "owner-id": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
                 "content-length": {"$numberInt": "12"}, "content-md5": "3cc067dd02e26904a5c390a4186d79c1",
                 "content-language": "", "creation-time": "2026-11-22T00:45:33.807Z", "x-amz-version-id": "null",
                 "x-amz-server-version-id": "", "x-amz-storage-class": "STANDARD", "x-amz-server-side-encryption": "",
                 "x-amz-scal-transition-in-progress": false,
                 "acl": {"Canned": "private", "FULL_CONTROL": [], "WRITE_ACP": [], "READ": [], "READ_ACP": []},
                 "key": "%s",
                 "location": [{"key": {"$numberInt": "8"}, "dataStoreName": "mem", "start": {"$numberInt": "0"},
                               "size": {"$numberInt": "12"}, "dataStoreETag": "1:3cc067dd02e26904a5c390a4186d79c1"}],
                 "isDeleteMarker": false, "versionId": "%s", "tags": {"color": "blue"},
                 "replicationInfo": {"status": "PENDING",
                   "backends": [{"site": "site-a", "status": "PENDING", "dataStoreVersionId": ""},
                                {"site": "site-b", "status": "PENDING", "dataStoreVersionId": ""}],
                   "content": ["DATA", "METADATA"], "destination": "arn:aws:s3:::replica-bucket",
                   "storageClass": "site-a,site-b", "role": "arn:aws:iam::123456789012:role/src-resource",
                   "storageType": "", "dataStoreVersionId": "", "isNFS": null},
                 "dataStoreName": "us-east-1", "originOp": "s3:ObjectCreated:Put", "deleted": false, "isPHD": false,
                 "last-modified": "2026-11-22T00:45:33.807Z", "md-model-version": {"$numberInt": "6"}}
                """.formatted(key, internalVersion);
    }

    static ObjectMetadata pending() {
        return ObjectMetadata.parse(pendingValue("k3", INTERNAL_VERSION));
    }

    static StatusEvent event(String key, String version, String site, ReplicationStatus status) {
        return new StatusEvent("src", key, version, site, status,
                status == ReplicationStatus.COMPLETED ? "replica-of-" + site : null,
                status == ReplicationStatus.FAILED ? "DstBucketNotFound" : null, 1, 1795308284577L,
                status == ReplicationStatus.COMPLETED ? 1795308285012L : null, 12L);
    }

    static StatusEvent event(String site, ReplicationStatus status) {
        return event("k3", VERSION, site, status);
    }
}
