package io.backbeat.connect.sink.status;

import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import io.backbeat.connect.sink.S3ReplicationSinkConfig;
import io.backbeat.connect.sink.retry.RetryPolicy;
import io.backbeat.connect.sink.s3.S3ClientConfig;

/** Configuration of {@link ReplicationStatusSinkConnector}: where the status is written back, and how. */
public final class ReplicationStatusSinkConfig extends AbstractConfig {

    public static final String WRITER = "writer";
    /** Same keys as the replication sink's source settings: one vocabulary for "the source site". */
    public static final String SOURCE_PREFIX = S3ReplicationSinkConfig.SOURCE_PREFIX;
    public static final String MONGODB_URI = S3ReplicationSinkConfig.MONGODB_URI;
    public static final String MONGODB_DATABASE = S3ReplicationSinkConfig.MONGODB_DATABASE;
    public static final String CONFLICT_MAX_RETRIES = "mongodb.conflict.max.retries";
    public static final String CONCURRENCY = "concurrency";

    /** Where the status goes. */
    public enum Writer { CLOUDSERVER, MONGODB }

    public static final ConfigDef CONFIG_DEF = configDef();

    public ReplicationStatusSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        if (writer() == Writer.MONGODB && getPassword(MONGODB_URI).value().isBlank()) {
            throw new ConfigException(MONGODB_URI, "[hidden]", "required when " + WRITER + "=mongodb");
        }
        if (writer() == Writer.CLOUDSERVER && getString(SOURCE_PREFIX + S3ClientConfig.ENDPOINT).isBlank()) {
            throw new ConfigException(SOURCE_PREFIX + S3ClientConfig.ENDPOINT, "",
                    "the CloudServer endpoint is required when " + WRITER + "=cloudserver");
        }
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        String group = "Status writer";
        int order = 0;
        def.define(WRITER, Type.STRING, "cloudserver", ConfigDef.CaseInsensitiveValidString.in("cloudserver", "mongodb"),
                        Importance.HIGH, "Where replication status is written back: cloudserver (CloudServer's "
                                + "backbeat route GET/PUT /_/backbeat/metadata/<bucket>/<key>?versionId=, signed "
                                + "with the source.s3. credentials of a service account; CloudServer also updates the "
                                + "master; the production path, as Backbeat) or mongodb (CloudServer's metadata "
                                + "database directly: the version document and the master holding it, each write "
                                + "conditional on the document not having changed since it was read).",
                        group, ++order, Width.SHORT, "Writer")
                .define(CONCURRENCY, Type.INT, 10, Range.between(1, 256), Importance.MEDIUM,
                        "Objects whose status a task writes at the same time. Events of one object are always "
                                + "written one after the other, in topic order.",
                        group, ++order, Width.SHORT, "Concurrency");
        S3ClientConfig.addTo(def, SOURCE_PREFIX, "source site (CloudServer, backbeat route)", "CloudServer");
        String mongo = "MongoDB";
        order = 0;
        def.define(MONGODB_URI, Type.PASSWORD, "", Importance.HIGH,
                        "MongoDB connection string of CloudServer's metadata (writer=mongodb), e.g. "
                                + "mongodb://user:password@db1,db2,db3/?replicaSet=rs0. Use a config provider to keep "
                                + "the password out of the connector config.",
                        mongo, ++order, Width.LONG, "MongoDB URI")
                .define(MONGODB_DATABASE, Type.STRING, "metadata", new ConfigDef.NonEmptyString(), Importance.LOW,
                        "CloudServer's metadata database.", mongo, ++order, Width.SHORT, "MongoDB database")
                .define(CONFLICT_MAX_RETRIES, Type.INT, 10, Range.between(1, 1000), Importance.LOW,
                        "Conditional writes redone in a row when the document keeps changing between read and "
                                + "write (writer=mongodb). Beyond that the write counts as a transient failure and the "
                                + "retry policy takes over.",
                        mongo, ++order, Width.SHORT, "Max write conflicts");
        RetryPolicy.addTo(def);
        return def;
    }

    public Writer writer() {
        return Writer.valueOf(getString(WRITER).toUpperCase(Locale.ROOT));
    }

    public S3ClientConfig source() {
        return new S3ClientConfig(this, SOURCE_PREFIX);
    }

    public String mongoUri() {
        return getPassword(MONGODB_URI).value();
    }

    public String mongoDatabase() {
        return getString(MONGODB_DATABASE);
    }

    public int conflictMaxRetries() {
        return getInt(CONFLICT_MAX_RETRIES);
    }

    public int concurrency() {
        return getInt(CONCURRENCY);
    }

    public RetryPolicy retryPolicy() {
        return RetryPolicy.from(this);
    }

    /** The key an operator must change when the writer's credentials are refused. */
    public String credentialsKey() {
        return writer() == Writer.MONGODB ? MONGODB_URI : source().credentialsKey();
    }
}
