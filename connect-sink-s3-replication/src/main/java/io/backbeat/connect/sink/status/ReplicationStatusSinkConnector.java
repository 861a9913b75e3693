package io.backbeat.connect.sink.status;

import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

import io.backbeat.connect.sink.BackbeatSinkConnector;

/**
 * Writes replication status back to the source metadata (Backbeat's replication status processor): reads the
 * status topic and makes each source version tell the truth, so that {@code head-object} shows PENDING, then
 * COMPLETED or FAILED. See docs/status-sink.md.
 */
public class ReplicationStatusSinkConnector extends BackbeatSinkConnector<ReplicationStatusSinkConfig> {

    @Override
    protected ReplicationStatusSinkConfig parse(Map<String, String> props) {
        return new ReplicationStatusSinkConfig(props);
    }

    @Override
    protected String describe(ReplicationStatusSinkConfig config) {
        return "status write-back through the " + config.writer().name().toLowerCase(Locale.ROOT) + " writer";
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ReplicationStatusSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return ReplicationStatusSinkConfig.CONFIG_DEF;
    }
}
