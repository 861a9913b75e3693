package io.backbeat.connect.model;

import java.util.Locale;

/** Replication status of an object version, globally or for one site (CloudServer's values). */
public enum ReplicationStatus {
    PENDING,
    PROCESSING,
    COMPLETED,
    FAILED,
    /** The object is itself a replica written by replication; it is never replicated again. */
    REPLICA;

    /**
     * Parses CloudServer's status text.
     *
     * @return the status, or null for null or "" (CloudServer writes "" when nothing is to be replicated)
     * @throws InvalidMetadataException for any other text
     */
    public static ReplicationStatus parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidMetadataException("unknown replication status \"" + text
                    + "\" (expected PENDING, PROCESSING, COMPLETED, FAILED or REPLICA)");
        }
    }
}
