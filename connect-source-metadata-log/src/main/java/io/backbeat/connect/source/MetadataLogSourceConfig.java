package io.backbeat.connect.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.bson.BsonTimestamp;

/** Configuration of the {@link MetadataLogSourceConnector}; owns its {@link ConfigDef}. */
public final class MetadataLogSourceConfig extends AbstractConfig {

    public static final String MONGODB_URI = "mongodb.connection.uri";
    public static final String MONGODB_DATABASE = "mongodb.database";
    public static final String MONGODB_TIMEOUT_MS = "mongodb.timeout.ms";
    public static final String TOPIC = "topic";
    public static final String OFFSET_PARTITION_NAME = "offset.partition.name";
    public static final String STARTUP_MODE = "startup.mode";
    public static final String STARTUP_TIMESTAMP = "startup.timestamp";
    public static final String FULL_DOCUMENT = "full.document";
    public static final String BATCH_SIZE = "batch.size";
    public static final String POLL_AWAIT_MS = "poll.await.time.ms";
    public static final String BUCKETS_INCLUDE = "buckets.include";
    public static final String BUCKETS_EXCLUDE = "buckets.exclude";
    public static final String BUCKETS_INCLUDE_PATTERN = "buckets.include.pattern";
    public static final String BUCKETS_EXCLUDE_PATTERN = "buckets.exclude.pattern";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String HEARTBEAT_TOPIC = "heartbeat.topic";
    public static final String HISTORY_LOST_POLICY = "history.lost.policy";
    public static final String ERRORS_TOPIC = "errors.topic";

    /** Set by the connector in task configs; not a user setting. */
    static final String TASK_CONNECTOR_NAME = "backbeat.connector.name";

    public static final String DEFAULT_TOPIC = "backbeat-metadata-log";
    public static final String DEFAULT_HEARTBEAT_TOPIC = "backbeat-metadata-log-heartbeats";
    public static final String DEFAULT_ERRORS_TOPIC = "backbeat-metadata-log-errors";
    public static final String DEFAULT_PARTITION_NAME = "metadata-log";

    /** Where a task starts when it has no stored offset. */
    public enum StartupMode {
        LATEST("latest"), TIMESTAMP("timestamp");

        final String text;

        StartupMode(String text) {
            this.text = text;
        }
    }

    /** How the metadata of update events is obtained. */
    public enum FullDocumentMode {
        /** The document as it is when the event is read (any MongoDB); null when deleted since. */
        UPDATE_LOOKUP("updateLookup"),
        /** The stored post-image of the write (MongoDB 6.0+, changeStreamPreAndPostImages on collections). */
        REQUIRED("required");

        final String text;

        FullDocumentMode(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** What happens when the stored resume point is no longer in the oplog. */
    public enum HistoryLostPolicy {
        FAIL("fail"), RESTART_FROM_TIMESTAMP("restart-from-timestamp");

        final String text;

        HistoryLostPolicy(String text) {
            this.text = text;
        }
    }

    public static final ConfigDef CONFIG_DEF = configDef();

    public MetadataLogSourceConfig(Map<String, String> props) {
        this(props, true);
        for (Map.Entry<String, String> e : crossFieldErrors().entrySet()) {
            throw new ConfigException(e.getKey(), getString(e.getKey()), e.getValue());
        }
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        String g = "Connection";
        int o = 0;
        def.define(MONGODB_URI, Type.PASSWORD, ConfigDef.NO_DEFAULT_VALUE, new UriValidator(), Importance.HIGH,
                "MongoDB connection string of CloudServer's metadata store (mongodb:// or mongodb+srv://). "
                        + "Must reach a replica set or sharded cluster (change streams). Kept secret: never logged.",
                g, ++o, Width.LONG, "MongoDB connection URI");
        def.define(MONGODB_DATABASE, Type.STRING, "metadata", new ConfigDef.NonEmptyStringWithoutControlChars(),
                Importance.HIGH, "Database holding CloudServer's metadata (one collection per bucket, __metastore).",
                g, ++o, Width.MEDIUM, "Metadata database");
        def.define(MONGODB_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.between(100, 600_000), Importance.LOW,
                "Server selection and connect timeout, in ms, for the task and for config validation.",
                g, ++o, Width.SHORT, "MongoDB timeout (ms)");

        g = "Stream";
        o = 0;
        def.define(TOPIC, Type.STRING, DEFAULT_TOPIC, new ConfigDef.NonEmptyStringWithoutControlChars(),
                Importance.HIGH, "Topic receiving one log entry per CloudServer write, keyed bucket/objectKey.",
                g, ++o, Width.MEDIUM, "Log topic");
        def.define(OFFSET_PARTITION_NAME, Type.STRING, DEFAULT_PARTITION_NAME,
                new ConfigDef.NonEmptyStringWithoutControlChars(), Importance.LOW,
                "Name of the stream in the source partition {database, stream}. Change it only to start a fresh "
                        + "stream while keeping the old offsets.",
                g, ++o, Width.MEDIUM, "Offset partition name");
        def.define(STARTUP_MODE, Type.STRING, StartupMode.LATEST.text,
                ConfigDef.CaseInsensitiveValidString.in("latest", "timestamp"), Importance.MEDIUM,
                "Where to start when no offset is stored: 'latest' (events after the start) or 'timestamp' "
                        + "(from " + STARTUP_TIMESTAMP + ", inclusive).",
                g, ++o, Width.SHORT, "Startup mode");
        def.define(STARTUP_TIMESTAMP, Type.STRING, "", new TimestampValidator(), Importance.MEDIUM,
                "Cluster time to start from with startup.mode=timestamp, and to restart from with "
                        + "history.lost.policy=restart-from-timestamp: " + ClusterTimes.FORMATS + ".",
                g, ++o, Width.MEDIUM, "Startup timestamp");
        def.define(FULL_DOCUMENT, Type.STRING, FullDocumentMode.UPDATE_LOOKUP.text,
                ConfigDef.CaseInsensitiveValidString.in("updateLookup", "required"), Importance.MEDIUM,
                "How update events get their metadata: 'updateLookup' (the current document when the event is "
                        + "read; any MongoDB) or 'required' (the exact post-image of each write; MongoDB 6.0+ "
                        + "with changeStreamPreAndPostImages enabled on every bucket collection).",
                g, ++o, Width.SHORT, "Full document mode");
        def.define(BATCH_SIZE, Type.INT, 1000, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                "Change-stream batch size and most records returned by one poll.",
                g, ++o, Width.SHORT, "Batch size");
        def.define(POLL_AWAIT_MS, Type.INT, 1000, ConfigDef.Range.between(1, 60_000), Importance.LOW,
                "Longest time one poll waits for the first event (also the server's maxAwaitTimeMS).",
                g, ++o, Width.SHORT, "Poll await time (ms)");

        g = "Buckets";
        o = 0;
        def.define(BUCKETS_INCLUDE, Type.LIST, "", Importance.MEDIUM,
                "Buckets to read (exact names). Empty: every bucket. Applied in the server-side pipeline.",
                g, ++o, Width.LONG, "Included buckets");
        def.define(BUCKETS_EXCLUDE, Type.LIST, "", Importance.MEDIUM,
                "Buckets to ignore (exact names). Applied in the server-side pipeline.",
                g, ++o, Width.LONG, "Excluded buckets");
        def.define(BUCKETS_INCLUDE_PATTERN, Type.STRING, "", new RegexValidator(), Importance.MEDIUM,
                "Java regular expression a bucket name must match in full to be read. Empty: no constraint.",
                g, ++o, Width.MEDIUM, "Included bucket pattern");
        def.define(BUCKETS_EXCLUDE_PATTERN, Type.STRING, "", new RegexValidator(), Importance.MEDIUM,
                "Java regular expression; buckets whose name matches it in full are ignored.",
                g, ++o, Width.MEDIUM, "Excluded bucket pattern");

        g = "Heartbeats";
        o = 0;
        def.define(HEARTBEAT_INTERVAL_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                "How often, in ms, a quiet stream writes its position to the heartbeat topic so that the stored "
                        + "resume token stays fresh. 0 disables heartbeats.",
                g, ++o, Width.SHORT, "Heartbeat interval (ms)");
        def.define(HEARTBEAT_TOPIC, Type.STRING, DEFAULT_HEARTBEAT_TOPIC,
                new ConfigDef.NonEmptyStringWithoutControlChars(), Importance.LOW,
                "Topic of heartbeat records (key: database/stream, value: null).",
                g, ++o, Width.MEDIUM, "Heartbeat topic");

        g = "Errors";
        o = 0;
        def.define(HISTORY_LOST_POLICY, Type.STRING, HistoryLostPolicy.FAIL.text,
                ConfigDef.CaseInsensitiveValidString.in("fail", "restart-from-timestamp"), Importance.HIGH,
                "When the stored resume point is no longer in the oplog: 'fail' (the task stops with the "
                        + "recovery steps) or 'restart-from-timestamp' (restart from " + STARTUP_TIMESTAMP
                        + ", logged as an error with the gap). Never a silent restart from now.",
                g, ++o, Width.MEDIUM, "History lost policy");
        def.define(ERRORS_TOPIC, Type.STRING, DEFAULT_ERRORS_TOPIC, Importance.MEDIUM,
                "Topic receiving a record for every malformed change event (the raw event and the reason). "
                        + "Empty: malformed events are only logged and counted.",
                g, ++o, Width.MEDIUM, "Malformed events topic");
        def.defineInternal(TASK_CONNECTOR_NAME, Type.STRING, "", Importance.LOW);
        return def;
    }

    /** Errors that involve more than one key, by the key they belong to. */
    Map<String, String> crossFieldErrors() {
        Map<String, String> errors = new java.util.LinkedHashMap<>();
        boolean noTimestamp = getString(STARTUP_TIMESTAMP).isBlank();
        if (noTimestamp && startupMode() == StartupMode.TIMESTAMP) {
            errors.put(STARTUP_TIMESTAMP, "is required when " + STARTUP_MODE + "=timestamp");
        } else if (noTimestamp && historyLostPolicy() == HistoryLostPolicy.RESTART_FROM_TIMESTAMP) {
            errors.put(STARTUP_TIMESTAMP, "is required when " + HISTORY_LOST_POLICY + "=restart-from-timestamp");
        }
        return errors;
    }

    /** Runs the cross-field checks on raw props (for {@code Connector.validate}); empty when unreadable. */
    static Map<String, String> crossFieldErrors(Map<String, String> props) {
        try {
            return new MetadataLogSourceConfig(props, false).crossFieldErrors();
        } catch (ConfigException e) {
            return Map.of(); // single-key errors are already reported by ConfigDef.validate
        }
    }

    private MetadataLogSourceConfig(Map<String, String> props, boolean logValues) {
        super(CONFIG_DEF, props, logValues);
    }

    public Password connectionUri() {
        return getPassword(MONGODB_URI);
    }

    public String database() {
        return getString(MONGODB_DATABASE);
    }

    public int timeoutMs() {
        return getInt(MONGODB_TIMEOUT_MS);
    }

    public String topic() {
        return getString(TOPIC);
    }

    public String partitionName() {
        return getString(OFFSET_PARTITION_NAME);
    }

    public StartupMode startupMode() {
        return getString(STARTUP_MODE).toLowerCase(Locale.ROOT).equals("timestamp")
                ? StartupMode.TIMESTAMP : StartupMode.LATEST;
    }

    public Optional<BsonTimestamp> startupTimestamp() {
        String s = getString(STARTUP_TIMESTAMP);
        return s.isBlank() ? Optional.empty() : Optional.of(ClusterTimes.parse(s));
    }

    public FullDocumentMode fullDocument() {
        return getString(FULL_DOCUMENT).equalsIgnoreCase("required")
                ? FullDocumentMode.REQUIRED : FullDocumentMode.UPDATE_LOOKUP;
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public int pollAwaitMs() {
        return getInt(POLL_AWAIT_MS);
    }

    public BucketFilter bucketFilter() {
        return new BucketFilter(getList(BUCKETS_INCLUDE), getList(BUCKETS_EXCLUDE),
                pattern(BUCKETS_INCLUDE_PATTERN), pattern(BUCKETS_EXCLUDE_PATTERN));
    }

    public long heartbeatIntervalMs() {
        return getLong(HEARTBEAT_INTERVAL_MS);
    }

    public String heartbeatTopic() {
        return getString(HEARTBEAT_TOPIC);
    }

    public HistoryLostPolicy historyLostPolicy() {
        return getString(HISTORY_LOST_POLICY).equalsIgnoreCase("fail")
                ? HistoryLostPolicy.FAIL : HistoryLostPolicy.RESTART_FROM_TIMESTAMP;
    }

    /** The malformed-events topic, empty when only logging. */
    public Optional<String> errorsTopic() {
        String t = getString(ERRORS_TOPIC);
        return t == null || t.isBlank() ? Optional.empty() : Optional.of(t.trim());
    }

    /** The connector's name as passed to tasks ("" when unknown, e.g. in unit tests). */
    public String connectorName() {
        return getString(TASK_CONNECTOR_NAME);
    }

    public SourceOffsets offsets() {
        return new SourceOffsets(database(), partitionName());
    }

    private Optional<Pattern> pattern(String key) {
        String s = getString(key);
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(s));
    }

    /** Checks the connection string's shape only; the connection itself is tried by validate(). */
    static final class UriValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String uri = value instanceof Password p ? p.value() : (value == null ? null : value.toString());
            if (uri == null || uri.isBlank()) {
                throw new ConfigException(name, "[hidden]", "a MongoDB connection string is required");
            }
            if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
                // Never echo the value: it may hold a password.
                throw new ConfigException(name, "[hidden]", "must start with mongodb:// or mongodb+srv://");
            }
        }

        @Override
        public String toString() {
            return "mongodb://... or mongodb+srv://...";
        }
    }

    static final class TimestampValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || value.toString().isBlank()) {
                return;
            }
            try {
                ClusterTimes.parse(value.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return ClusterTimes.FORMATS;
        }
    }

    static final class RegexValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || value.toString().isEmpty()) {
                return;
            }
            try {
                Pattern.compile(value.toString());
            } catch (PatternSyntaxException e) {
                throw new ConfigException(name, value, "not a valid regular expression: " + e.getDescription());
            }
        }

        @Override
        public String toString() {
            return "a Java regular expression";
        }
    }

    /** Keys in declaration order, for docs and tests. */
    static List<String> keys() {
        return new ArrayList<>(CONFIG_DEF.names());
    }
}
