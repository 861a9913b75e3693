package io.backbeat.connect.sink;

import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

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
public class S3ReplicationSinkConnector extends BackbeatSinkConnector<S3ReplicationSinkConfig> {

    @Override
    protected S3ReplicationSinkConfig parse(Map<String, String> props) {
        return new S3ReplicationSinkConfig(props);
    }

    @Override
    protected String describe(S3ReplicationSinkConfig config) {
        return "replication to site " + config.site();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return S3ReplicationSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return S3ReplicationSinkConfig.CONFIG_DEF;
    }

    /**
     * The destination must be reachable with the given credentials, and the destination bucket (when configured)
     * must exist with versioning enabled.
     */
    @Override
    protected boolean liveCheckUses(String name) {
        return name.startsWith(S3ReplicationSinkConfig.DESTINATION_PREFIX)
                || name.equals(S3ReplicationSinkConfig.DESTINATION_BUCKET);
    }

    @Override
    protected Optional<ConfigProblem> liveCheck(S3ReplicationSinkConfig config) {
        return checkDestination(config);
    }

    static Optional<ConfigProblem> checkDestination(S3ReplicationSinkConfig config) {
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
                return Optional.of(new ConfigProblem(S3ReplicationSinkConfig.DESTINATION_BUCKET, "destination bucket "
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
            return Optional.of(new ConfigProblem(key, message));
        }
    }
}
