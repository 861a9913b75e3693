package io.backbeat.connect.smt;

import java.util.Map;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the metadata log entries that are to be replicated to one destination site, exactly as Backbeat's
 * replication queue populator selects them (see {@link ReplicationDecision}); drops everything else.
 * Put it in front of the replication sink of that site.
 */
public class ReplicationFilter<R extends ConnectRecord<R>> extends LogEntryFilter<R> {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationFilter.class);

    private ReplicationDecision decision = new ReplicationDecision(null, null);

    @Override
    AbstractConfig parse(Map<String, ?> props) {
        ReplicationFilterConfig config = new ReplicationFilterConfig(props);
        decision = config.decision();
        return config;
    }

    @Override
    boolean keep(LogEntry entry) {
        ReplicationDecision.Outcome outcome = decision.decide(entry);
        if (!outcome.keep() && LOG.isTraceEnabled()) {
            LOG.trace("dropped {}/{} version {}: {}", entry.bucket(), entry.objectKey(), entry.versionId(),
                    outcome.reason());
        }
        return outcome.keep();
    }

    @Override
    public ConfigDef config() {
        return ReplicationFilterConfig.CONFIG_DEF;
    }
}
