package io.backbeat.connect.sink.tagging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.PluginVersion;
import io.backbeat.connect.sink.retry.ErrorClassifier;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.retry.Side;
import io.backbeat.connect.sink.s3.S3ClientConfig;
import io.backbeat.connect.sink.s3.S3ClientFactory;
import io.backbeat.connect.sink.s3.S3Connection;

/**
 * Backbeat's helloWorld extension as a sink connector: puts configured tags (default {@code hello=world}) on
 * the source object versions of the entries it receives. Which objects is the job of its transforms, e.g.
 * {@code io.backbeat.connect.smt.KeyNameFilter} (objects named helloworld). See docs/writing-an-extension.md.
 */
public class ObjectTaggingSinkConnector extends SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectTaggingSinkConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        ObjectTaggingSinkConfig config = new ObjectTaggingSinkConfig(props);
        this.props = new HashMap<>(props);
        LOG.info("object tagging connector started: tags {} at {}", config.tags(), config.source());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ObjectTaggingSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(new HashMap<>(props));
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return ObjectTaggingSinkConfig.CONFIG_DEF;
    }

    /**
     * Besides the per-key checks: the source site must answer with the given credentials. Problems are
     * reported on the key that has to change.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = new HashMap<>();
        for (ConfigValue v : result.configValues()) {
            values.put(v.name(), v);
        }
        boolean clean = result.configValues().stream()
                .filter(v -> v.name().startsWith(ObjectTaggingSinkConfig.SOURCE_PREFIX))
                .allMatch(v -> v.errorMessages().isEmpty());
        if (!clean) {
            return result;
        }
        ObjectTaggingSinkConfig config;
        try {
            config = new ObjectTaggingSinkConfig(connectorConfigs);
        } catch (ConfigException e) {
            // another key is wrong; the per-key errors already say which
            return result;
        }
        checkSource(config.source()).ifPresent(problem -> {
            ConfigValue v = values.get(problem.key());
            if (v != null) {
                v.addErrorMessage(problem.message());
            }
        });
        return result;
    }

    record Problem(String key, String message) {
    }

    /**
     * Lists buckets at the source: a listing, or an access-denied answer (the credentials may be allowed to tag
     * objects but not to list buckets), proves the endpoint works and knows the credentials.
     */
    static Optional<Problem> checkSource(S3ClientConfig source) {
        String where = source.endpoint() == null ? "AWS S3 (" + source.region() + ")" : source.endpoint().toString();
        try (S3Connection connection = S3ClientFactory.connect(source)) {
            connection.s3().listBuckets();
            return Optional.empty();
        } catch (RuntimeException e) {
            ReplicationFailure f = ErrorClassifier.classify(e, Side.SOURCE);
            return switch (f.reason()) {
                case "SrcGetObjectNotPermitted" -> Optional.empty();
                case "SrcInvalidCredentials" -> Optional.of(new Problem(source.credentialsKey(),
                        "the source site at " + where + " refused the credentials: " + f.getMessage()));
                default -> Optional.of(new Problem(source.prefix() + S3ClientConfig.ENDPOINT,
                        "cannot reach the source site at " + where + " (" + f.reason() + "): " + f.getMessage()));
            };
        }
    }
}
