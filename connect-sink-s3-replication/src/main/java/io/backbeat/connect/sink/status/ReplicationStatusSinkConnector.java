package io.backbeat.connect.sink.status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.PluginVersion;

/**
 * Writes replication status back to the source metadata (Backbeat's replication status processor): reads the
 * status topic and makes each source version tell the truth, so that {@code head-object} shows PENDING, then
 * COMPLETED or FAILED. See docs/status-sink.md.
 */
public class ReplicationStatusSinkConnector extends SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationStatusSinkConnector.class);
    static final String TASK_ID = "task.id";
    static final String CONNECTOR_NAME = "name";

    private Map<String, String> props;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        ReplicationStatusSinkConfig config = new ReplicationStatusSinkConfig(props);
        this.props = new HashMap<>(props);
        LOG.info("replication status connector {} started, writer {}", props.get(CONNECTOR_NAME),
                config.writer().name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ReplicationStatusSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(TASK_ID, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return ReplicationStatusSinkConfig.CONFIG_DEF;
    }
}
