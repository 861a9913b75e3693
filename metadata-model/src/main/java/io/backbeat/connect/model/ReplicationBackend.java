package io.backbeat.connect.model;

import java.util.Objects;

/**
 * One destination site of an object version ({@code replicationInfo.backends[]}).
 *
 * @param site the site name (a replication endpoint / storage class name)
 * @param status the site's status; null when CloudServer wrote ""
 * @param dataStoreVersionId the version id of the replica at the site ("" until known)
 */
public record ReplicationBackend(String site, ReplicationStatus status, String dataStoreVersionId) {
    public ReplicationBackend {
        Objects.requireNonNull(site, "site");
        if (site.isEmpty()) {
            throw new InvalidMetadataException("replication backend site must not be empty");
        }
        if (dataStoreVersionId == null) {
            dataStoreVersionId = "";
        }
    }
}
