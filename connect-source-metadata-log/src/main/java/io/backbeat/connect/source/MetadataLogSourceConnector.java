package io.backbeat.connect.source;

import io.backbeat.connect.model.PluginVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Tails CloudServer's MongoDB metadata journal (one change stream on the metadata database) into the
 * metadata log topic. One task: a change stream is a single ordered sequence.
 */
public class MetadataLogSourceConnector extends SourceConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        new MetadataLogSourceConfig(props); // fail fast on a bad config
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MetadataLogSourceTask.class;
    }

    /** Always one task: the stream has one order, splitting it would reorder entries of one object. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        Map<String, String> task = new HashMap<>(props);
        task.put(MetadataLogSourceConfig.TASK_CONNECTOR_NAME, props.getOrDefault("name", ""));
        task.put(MetadataLogSourceTask.TASK_ID, "0");
        return List.of(task);
    }

    @Override
    public void stop() {
        // nothing held: the task owns the MongoDB client
    }

    @Override
    public ConfigDef config() {
        return MetadataLogSourceConfig.CONFIG_DEF;
    }

    /** Config shapes, then the cross-field rules, then the connection and database (only if they look valid). */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> byName = new HashMap<>();
        config.configValues().forEach(v -> byName.put(v.name(), v));
        MetadataLogSourceConfig.crossFieldErrors(connectorConfigs)
                .forEach((key, message) -> byName.get(key).addErrorMessage(key + " " + message));
        ConfigValue uri = byName.get(MetadataLogSourceConfig.MONGODB_URI);
        ConfigValue database = byName.get(MetadataLogSourceConfig.MONGODB_DATABASE);
        ConfigValue timeout = byName.get(MetadataLogSourceConfig.MONGODB_TIMEOUT_MS);
        if (uri.errorMessages().isEmpty() && database.errorMessages().isEmpty() && timeout.errorMessages().isEmpty()
                && uri.value() instanceof Password password) {
            ConnectionCheck.check(password.value(), (String) database.value(), (Integer) timeout.value())
                    .forEach((key, message) -> byName.get(key).addErrorMessage(message));
        }
        return config;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /**
     * Accepts offsets of this connector's stream only, in the documented shape; a null offset resets the stream
     * (the next start follows {@code startup.mode}).
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        MetadataLogSourceConfig config = new MetadataLogSourceConfig(connectorConfig);
        SourceOffsets expected = config.offsets();
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
            try {
                expected.checkPartition(e.getKey());
                SourceOffsets.read(e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new ConnectException("Invalid offset for partition " + e.getKey() + ": " + ex.getMessage());
            }
        }
        return true;
    }
}
