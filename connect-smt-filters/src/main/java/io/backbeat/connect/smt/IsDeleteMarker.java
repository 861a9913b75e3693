package io.backbeat.connect.smt;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;

/**
 * True for entries that write a delete marker (put entries whose metadata has isDeleteMarker), i.e. an S3
 * DELETE without version id on a versioned bucket. False for other entries, including the removal of a
 * delete marker (a delete entry) and bucket entries.
 */
public class IsDeleteMarker<R extends ConnectRecord<R>> extends LogEntryPredicate<R> {

    @Override
    void configure(PredicateConfig config) {
        // no setting of its own
    }

    @Override
    boolean test(LogEntry entry) {
        return entry.kind() == LogEntry.Kind.OBJECT && entry.type() == LogEntry.Type.PUT
                && ReplicationDecision.metadata(entry).isDeleteMarker();
    }

    @Override
    public ConfigDef config() {
        return PredicateConfig.PLAIN;
    }
}
