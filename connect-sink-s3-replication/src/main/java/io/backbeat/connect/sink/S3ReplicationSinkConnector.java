package io.backbeat.connect.sink;

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

import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * Replicates object versions from the metadata log to one destination site (Backbeat's per-site queue
 * processor). Use with the {@code ReplicationFilter} transform set to the same site.
 */
public class S3ReplicationSinkConnector extends SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(S3ReplicationSinkConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        S3ReplicationSinkConfig config = new S3ReplicationSinkConfig(props);
        this.props = new HashMap<>(props);
        LOG.info("replication connector for site {} started", config.site());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return S3ReplicationSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put("task.id", Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return S3ReplicationSinkConfig.CONFIG_DEF;
    }

    /**
     * Besides the per-key checks: the destination must be reachable with the given credentials, and the
     * destination bucket (when configured) must exist with versioning enabled. Problems are reported on
     * the key that has to change.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = new HashMap<>();
        for (ConfigValue v : result.configValues()) {
            values.put(v.name(), v);
        }
        boolean clean = result.configValues().stream()
                .filter(v -> v.name().startsWith(S3ReplicationSinkConfig.DESTINATION_PREFIX)
                        || v.name().equals(S3ReplicationSinkConfig.DESTINATION_BUCKET))
                .allMatch(v -> v.errorMessages().isEmpty());
        if (!clean) {
            return result;
        }
        S3ReplicationSinkConfig config;
        try {
            config = new S3ReplicationSinkConfig(connectorConfigs);
        } catch (ConfigException e) {
            // another key is wrong; the per-key errors above already say which
            return result;
        }
        checkDestination(config).ifPresent(problem -> {
            ConfigValue v = values.get(problem.key);
            if (v != null) {
                v.addErrorMessage(problem.message);
            }
        });
        return result;
    }

    private record Problem(String key, String message) {
    }

    static Optional<Problem> checkDestination(S3ReplicationSinkConfig config) {
        S3ClientConfig dst = config.destination();
        String bucket = config.destinationBucket();
        String where = dst.endpoint() == null ? "AWS S3 (" + dst.region() + ")" : dst.endpoint().toString();
        try (S3Connection connection = S3ClientFactory.connect(dst)) {
            if (bucket == null) {
                // no bucket to check: at least the endpoint and the credentials must work
                connection.s3().listBuckets(b -> b.maxBuckets(1));
                return Optional.empty();
            }
            BucketVersioningStatus status = connection.s3().getBucketVersioning(b -> b.bucket(bucket)).status();
            if (status != BucketVersioningStatus.ENABLED) {
                return Optional.of(new Problem(S3ReplicationSinkConfig.DESTINATION_BUCKET, "destination bucket "
                        + bucket + " at " + where + " does not have versioning enabled (status: "
                        + (status == null ? "never enabled" : status) + "); replication needs a versioned bucket"));
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            ReplicationFailure f = ErrorClassifier.classify(e, Side.DESTINATION);
            String key = switch (f.reason()) {
                case "DstBucketNotFound" -> S3ReplicationSinkConfig.DESTINATION_BUCKET;
                case "DstInvalidCredentials", "DstPutObjectNotPermitted" -> dst.credentialsKey();
                default -> S3ReplicationSinkConfig.DESTINATION_PREFIX + S3ClientConfig.ENDPOINT;
            };
            String message = switch (f.reason()) {
                case "DstBucketNotFound" -> "destination bucket " + bucket + " does not exist at " + where;
                case "DstInvalidCredentials" -> "the destination at " + where + " refused the credentials: "
                        + f.getMessage();
                case "DstPutObjectNotPermitted" -> "the destination credentials are not allowed to use "
                        + (bucket == null ? "the destination" : "bucket " + bucket) + " at " + where + ": "
                        + f.getMessage();
                default -> "cannot check the destination at " + where + " (" + f.reason() + "): " + f.getMessage();
            };
            return Optional.of(new Problem(key, message));
        }
    }
}
