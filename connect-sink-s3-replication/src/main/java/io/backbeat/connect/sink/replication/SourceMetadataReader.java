package io.backbeat.connect.sink.replication;

import java.util.Optional;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;

/**
 * Re-reads the current metadata of the version an entry names, right before it is replicated, so that an
 * entry whose site is already COMPLETED (a redelivery, a replay) is skipped and the copy uses the latest
 * tags.
 */
public interface SourceMetadataReader extends AutoCloseable {

    /**
     * The version's current metadata; empty when the version no longer exists (deleted meanwhile).
     * Throws on failure to read (the caller classifies and retries).
     */
    Optional<ObjectMetadata> read(LogEntry entry) throws Exception;

    /** A short name for logs. */
    String name();

    @Override
    default void close() {
    }

    /** Trusts the metadata carried by the entry itself (no re-read: no protection against redelivery). */
    SourceMetadataReader ENTRY = new SourceMetadataReader() {
        @Override
        public Optional<ObjectMetadata> read(LogEntry entry) {
            return Optional.ofNullable(entry.objectMetadata());
        }

        @Override
        public String name() {
            return "entry";
        }
    };
}
