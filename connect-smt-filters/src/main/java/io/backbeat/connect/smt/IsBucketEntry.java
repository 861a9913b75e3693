package io.backbeat.connect.smt;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;

/** True for bucket entries (bucket creation and configuration changes from __metastore). */
public class IsBucketEntry<R extends ConnectRecord<R>> extends LogEntryPredicate<R> {

    @Override
    void configure(PredicateConfig config) {
        // no setting of its own
    }

    @Override
    boolean test(LogEntry entry) {
        return entry.kind() == LogEntry.Kind.BUCKET;
    }

    @Override
    public ConfigDef config() {
        return PredicateConfig.PLAIN;
    }
}
