package io.backbeat.connect.sink.tagging;

import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;

import io.backbeat.connect.sink.BackbeatSinkConnector;
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
public class ObjectTaggingSinkConnector extends BackbeatSinkConnector<ObjectTaggingSinkConfig> {

    @Override
    protected ObjectTaggingSinkConfig parse(Map<String, String> props) {
        return new ObjectTaggingSinkConfig(props);
    }

    @Override
    protected String describe(ObjectTaggingSinkConfig config) {
        return "tags " + config.tags() + " at " + config.source();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ObjectTaggingSinkTask.class;
    }

    @Override
    public ConfigDef config() {
        return ObjectTaggingSinkConfig.CONFIG_DEF;
    }

    /** The source site must answer with the given credentials. */
    @Override
    protected boolean liveCheckUses(String name) {
        return name.startsWith(ObjectTaggingSinkConfig.SOURCE_PREFIX);
    }

    @Override
    protected Optional<ConfigProblem> liveCheck(ObjectTaggingSinkConfig config) {
        return checkSource(config.source());
    }

    /**
     * Lists buckets at the source: a listing, or an access-denied answer (the credentials may be allowed to tag
     * objects but not to list buckets), proves the endpoint works and knows the credentials.
     */
    static Optional<ConfigProblem> checkSource(S3ClientConfig source) {
        String where = source.endpoint() == null ? "AWS S3 (" + source.region() + ")" : source.endpoint().toString();
        try (S3Connection connection = S3ClientFactory.connect(source)) {
            connection.s3().listBuckets();
            return Optional.empty();
        } catch (RuntimeException e) {
            ReplicationFailure f = ErrorClassifier.classify(e, Side.SOURCE);
            return switch (f.reason()) {
                case "SrcGetObjectNotPermitted" -> Optional.empty();
                case "SrcInvalidCredentials" -> Optional.of(new ConfigProblem(source.credentialsKey(),
                        "the source site at " + where + " refused the credentials: " + f.getMessage()));
                default -> Optional.of(new ConfigProblem(source.prefix() + S3ClientConfig.ENDPOINT,
                        "cannot reach the source site at " + where + " (" + f.reason() + "): " + f.getMessage()));
            };
        }
    }
}
