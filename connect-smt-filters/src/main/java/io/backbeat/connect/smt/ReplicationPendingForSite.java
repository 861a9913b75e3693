package io.backbeat.connect.smt;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;

/**
 * True for object entries that are to be replicated to the configured site, by the same decision as
 * {@link ReplicationFilter}; false for bucket entries, heartbeats and everything the decision drops.
 * With Kafka's Filter transform and {@code negate=true} it keeps what ReplicationFilter keeps.
 */
public class ReplicationPendingForSite<R extends ConnectRecord<R>> extends LogEntryPredicate<R> {

    private ReplicationDecision decision = new ReplicationDecision(null, null);

    @Override
    void configure(PredicateConfig config) {
        decision = config.decision();
    }

    @Override
    boolean test(LogEntry entry) {
        return decision.decide(entry).keep();
    }

    @Override
    public ConfigDef config() {
        return PredicateConfig.REPLICATION_PENDING;
    }
}
