package io.backbeat.connect.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.PluginVersion;

/**
 * What the sink connectors of the bundle share: the config is parsed at start (a bad config fails the connector
 * before any task starts), every task gets the connector's config with its {@link #TASK_ID}, and validation adds
 * one check against a live service (the destination, the source site) once the keys it depends on are valid.
 *
 * @param <C> the connector's config class
 */
public abstract class BackbeatSinkConnector<C extends AbstractConfig> extends SinkConnector {

    /** The task's number in the task configs (metrics and client ids name the task by it). */
    public static final String TASK_ID = "task.id";
    /** The connector's name, as Connect puts it in the config. */
    public static final String CONNECTOR_NAME = "name";

    private static final Logger LOG = LoggerFactory.getLogger(BackbeatSinkConnector.class);

    private Map<String, String> props;

    /** A problem the live check found, reported on the key that has to change. */
    public record ConfigProblem(String key, String message) {
    }

    /** Parses the connector config; throws {@link ConfigException} naming the key that is wrong. */
    protected abstract C parse(Map<String, String> props);

    /** What the started connector does, for its log line (never a secret). */
    protected abstract String describe(C config);

    /** Whether the live check uses key {@code name}: an error on any such key skips the check. */
    protected boolean liveCheckUses(String name) {
        return false;
    }

    /** A check against a live service, run by {@link #validate} after the per-key checks; empty when all is well. */
    protected Optional<ConfigProblem> liveCheck(C config) {
        return Optional.empty();
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        C config = parse(props);
        this.props = new HashMap<>(props);
        LOG.info("{} {} started: {}", getClass().getSimpleName(), props.get(CONNECTOR_NAME), describe(config));
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
        // nothing held: the tasks own the clients
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        boolean clean = result.configValues().stream().filter(v -> liveCheckUses(v.name()))
                .allMatch(v -> v.errorMessages().isEmpty());
        if (!clean) {
            return result;
        }
        C config;
        try {
            config = parse(connectorConfigs);
        } catch (ConfigException e) {
            // another key is wrong; the per-key errors already say which
            return result;
        }
        liveCheck(config).ifPresent(problem -> result.configValues().stream()
                .filter(v -> v.name().equals(problem.key())).findFirst()
                .ifPresent(v -> v.addErrorMessage(problem.message())));
        return result;
    }
}
