package io.backbeat.connect.ops;

import io.backbeat.connect.sink.S3ReplicationSinkConnector;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the operations API. They are worker properties (the extension has no config of its own in
 * Connect), all under the {@value #PREFIX} prefix so they never clash with the worker's settings.
 */
public final class OpsConfig extends AbstractConfig {

    public static final String PREFIX = "backbeat.ops.";

    public static final String REDIS_URI = PREFIX + "redis.uri";
    public static final String METADATA_LOG_TOPIC = PREFIX + "metadata-log.topic";
    public static final String STATUS_TOPIC = PREFIX + "status.topic";
    public static final String SITE_CONNECTOR_CLASSES = PREFIX + "site.connector.classes";
    public static final String SITE_CONFIG = PREFIX + "site.config";
    public static final String CONNECT_URL = PREFIX + "connect.url";
    public static final String CONNECT_USERNAME = PREFIX + "connect.username";
    public static final String CONNECT_PASSWORD = PREFIX + "connect.password";
    public static final String REQUEST_TIMEOUT_MS = PREFIX + "request.timeout.ms";
    public static final String RESUME_POLL_INTERVAL_MS = PREFIX + "resume.poll.interval.ms";
    public static final String RESUME_HOUR_MS = PREFIX + "resume.hour.ms";
    public static final String BACKLOG_MAX_RECORDS = PREFIX + "backlog.max.records";
    public static final String HEALTH_TOPICS = PREFIX + "healthcheck.topics";
    public static final String KEY_CONVERTER = PREFIX + "key.converter";
    public static final String VALUE_CONVERTER = PREFIX + "value.converter";
    /** Prefix of the source-site S3 client (CloudServer backbeat route) the extension reads metadata with. */
    public static final String SOURCE_S3_PREFIX = PREFIX + "source.s3.";
    /** Prefix of Kafka client overrides (producer and admin of the extension), e.g. {@code backbeat.ops.kafka.ssl.truststore.location}. */
    public static final String KAFKA_PREFIX = PREFIX + "kafka.";

    public static final String DEFAULT_SITE_CONNECTOR = S3ReplicationSinkConnector.class.getName();

    private static final String GROUP_STORES = "Stores";
    private static final String GROUP_CONNECT = "Connect";
    private static final String GROUP_SCHEDULE = "Scheduled resume";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(REDIS_URI, Type.PASSWORD, ConfigDef.NO_DEFAULT_VALUE, new RedisUriValidator(), Importance.HIGH,
                    "Redis holding the failed entries and the replication metrics the sinks record, e.g. "
                            + "redis://:secret@redis:6379/0 (rediss:// for TLS). A password config: it may hold credentials.",
                    GROUP_STORES, 1, ConfigDef.Width.LONG, "Redis URI")
            .define(METADATA_LOG_TOPIC, Type.STRING, "backbeat-metadata-log", new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, "Topic of the metadata log: a retried entry is republished there.",
                    GROUP_STORES, 2, ConfigDef.Width.MEDIUM, "Metadata log topic")
            .define(STATUS_TOPIC, Type.STRING, "backbeat-replication-status", new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, "Topic of replication status events: a retry publishes a PENDING event there, "
                            + "which the status sink writes to the source object.",
                    GROUP_STORES, 3, ConfigDef.Width.MEDIUM, "Status topic")
            .define(BACKLOG_MAX_RECORDS, Type.LONG, 100_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "At most this many metadata-log records are read per site to compute the pending/backlog metrics; "
                            + "beyond it the numbers are a lower bound (flagged in the response).",
                    GROUP_STORES, 4, ConfigDef.Width.SHORT, "Backlog scan limit")
            .define(HEALTH_TOPICS, Type.LIST, "", Importance.LOW,
                    "Topics whose partitions the healthcheck reports; empty means the metadata-log and status topics.",
                    GROUP_STORES, 5, ConfigDef.Width.LONG, "Healthcheck topics")
            .define(KEY_CONVERTER, Type.STRING, "org.apache.kafka.connect.storage.StringConverter",
                    new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Converter of record keys on the metadata-log and status topics; must match the source "
                            + "connector's key converter. Its settings: " + KEY_CONVERTER + ".<name>.",
                    GROUP_STORES, 6, ConfigDef.Width.LONG, "Key converter")
            .define(VALUE_CONVERTER, Type.STRING, "org.apache.kafka.connect.json.JsonConverter",
                    new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Converter of record values on the metadata-log and status topics; must match the source "
                            + "connector's value converter and the sink's status producer. Its settings: "
                            + VALUE_CONVERTER + ".<name> (e.g. " + VALUE_CONVERTER + ".schemas.enable=true).",
                    GROUP_STORES, 7, ConfigDef.Width.LONG, "Value converter")
            .define(SITE_CONNECTOR_CLASSES, Type.LIST, DEFAULT_SITE_CONNECTOR, new NonEmptyList(), Importance.LOW,
                    "Connector classes that replicate to one site; a connector of one of these classes whose config has "
                            + "the site key is that site's connector (pausing the site pauses it).",
                    GROUP_CONNECT, 1, ConfigDef.Width.LONG, "Site connector classes")
            .define(SITE_CONFIG, Type.STRING, "site", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Key of the connector config that names the site.",
                    GROUP_CONNECT, 2, ConfigDef.Width.SHORT, "Site config key")
            .define(CONNECT_URL, Type.STRING, "", Importance.MEDIUM,
                    "Connect REST URL the extension calls to pause/resume connectors when no request is at hand "
                            + "(scheduled resumes), e.g. http://localhost:8083. Empty: the URL of the worker running "
                            + "the connector, from its worker id and the scheme of the first listener.",
                    GROUP_CONNECT, 3, ConfigDef.Width.LONG, "Connect URL")
            .define(CONNECT_USERNAME, Type.STRING, "", Importance.MEDIUM,
                    "User for the worker's REST authentication (HTTP basic) on calls that no user request carries "
                            + "(scheduled resumes). Calls made while serving a request forward the caller's Authorization header.",
                    GROUP_CONNECT, 4, ConfigDef.Width.SHORT, "Connect user")
            .define(CONNECT_PASSWORD, Type.PASSWORD, "", Importance.MEDIUM, "Password of " + CONNECT_USERNAME + ".",
                    GROUP_CONNECT, 5, ConfigDef.Width.SHORT, "Connect password")
            .define(REQUEST_TIMEOUT_MS, Type.INT, 30_000, ConfigDef.Range.between(100, 600_000), Importance.LOW,
                    "Timeout of each call to Kafka, Redis or the Connect REST API.",
                    GROUP_CONNECT, 6, ConfigDef.Width.SHORT, "Request timeout")
            .define(RESUME_POLL_INTERVAL_MS, Type.LONG, 10_000L, ConfigDef.Range.between(50, 3_600_000),
                    Importance.LOW, "How often each worker looks for scheduled resumes that are due.",
                    GROUP_SCHEDULE, 1, ConfigDef.Width.SHORT, "Resume poll interval")
            .define(RESUME_HOUR_MS, Type.LONG, 3_600_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Length of one 'hour' of POST /_/crr/resume/<site>/schedule. Only tests change it.",
                    GROUP_SCHEDULE, 2, ConfigDef.Width.SHORT, "Hour length (tests)");

    static {
        io.backbeat.connect.sink.s3.S3ClientConfig.addTo(CONFIG_DEF, SOURCE_S3_PREFIX,
                "source site's CloudServer (backbeat metadata route, read to list and retry failed entries)",
                "Source site");
    }

    private final Map<String, String> workerProps;

    public OpsConfig(Map<String, ?> workerProps) {
        super(CONFIG_DEF, onlyOurs(workerProps), false);
        Map<String, String> copy = new HashMap<>();
        workerProps.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v instanceof Password p ? p.value() : v.toString());
            }
        });
        this.workerProps = Map.copyOf(copy);
    }

    private static Map<String, Object> onlyOurs(Map<String, ?> props) {
        Map<String, Object> ours = new HashMap<>();
        props.forEach((k, v) -> {
            if (k.startsWith(PREFIX) && !k.startsWith(KAFKA_PREFIX) && !k.startsWith(KEY_CONVERTER + ".")
                    && !k.startsWith(VALUE_CONVERTER + ".")) {
                ours.put(k, v);
            }
        });
        return ours;
    }

    public URI redisUri() {
        return URI.create(getPassword(REDIS_URI).value());
    }

    public String metadataLogTopic() {
        return getString(METADATA_LOG_TOPIC);
    }

    public String statusTopic() {
        return getString(STATUS_TOPIC);
    }

    public List<String> siteConnectorClasses() {
        return getList(SITE_CONNECTOR_CLASSES);
    }

    public String siteConfigKey() {
        return getString(SITE_CONFIG);
    }

    public Optional<URI> connectUrl() {
        String url = getString(CONNECT_URL);
        return url.isBlank() ? Optional.empty() : Optional.of(URI.create(url.endsWith("/") ? url : url + "/"));
    }

    /** Basic credentials for calls no user request carries, empty when not configured. */
    public Optional<String> connectAuthorization() {
        String user = getString(CONNECT_USERNAME);
        if (user.isBlank()) {
            return Optional.empty();
        }
        String token = user + ":" + getPassword(CONNECT_PASSWORD).value();
        return Optional.of("Basic " + java.util.Base64.getEncoder()
                .encodeToString(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public int requestTimeoutMs() {
        return getInt(REQUEST_TIMEOUT_MS);
    }

    public long resumePollIntervalMs() {
        return getLong(RESUME_POLL_INTERVAL_MS);
    }

    public long resumeHourMs() {
        return getLong(RESUME_HOUR_MS);
    }

    public long backlogMaxRecords() {
        return getLong(BACKLOG_MAX_RECORDS);
    }

    public List<String> healthTopics() {
        List<String> topics = getList(HEALTH_TOPICS);
        return topics.isEmpty() ? List.of(metadataLogTopic(), statusTopic()) : topics;
    }

    /** Scheme of the worker's first REST listener ({@code http} when none is set, as the worker defaults). */
    public String listenerScheme() {
        String listeners = workerProps.getOrDefault("listeners", "http://:8083");
        String first = listeners.split(",")[0].trim();
        int colon = first.indexOf("://");
        return colon > 0 ? first.substring(0, colon).toLowerCase(java.util.Locale.ROOT) : "http";
    }

    /**
     * Kafka client settings for the extension's producer and admin client: the worker's connection and
     * security settings, then the {@value #KAFKA_PREFIX} overrides.
     */
    public Map<String, Object> kafkaClientProps() {
        Map<String, Object> props = new HashMap<>();
        workerProps.forEach((k, v) -> {
            if (k.equals("bootstrap.servers") || k.equals("security.protocol") || k.equals("client.dns.lookup")
                    || k.startsWith("ssl.") || k.startsWith("sasl.")) {
                props.put(k, v);
            }
        });
        workerProps.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                props.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        if (!props.containsKey("bootstrap.servers")) {
            throw new ConfigException("bootstrap.servers", null,
                    "the worker has no bootstrap.servers and " + KAFKA_PREFIX + "bootstrap.servers is not set");
        }
        return props;
    }

    /** Settings of a converter: the worker properties under {@code <converterKey>.}, prefix removed. */
    public Map<String, String> converterProps(String converterKey) {
        Map<String, String> props = new HashMap<>();
        String prefix = converterKey + ".";
        workerProps.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                props.put(k.substring(prefix.length()), v);
            }
        });
        return props;
    }

    /** The source-site S3 client settings, or empty when no source endpoint is configured. */
    public Optional<io.backbeat.connect.sink.s3.S3ClientConfig> sourceS3() {
        io.backbeat.connect.sink.s3.S3ClientConfig source =
                new io.backbeat.connect.sink.s3.S3ClientConfig(this, SOURCE_S3_PREFIX);
        return source.endpoint() == null ? Optional.empty() : Optional.of(source);
    }

    /** All worker properties (as strings), for the parts of the extension that reuse other modules' config fragments. */
    public Map<String, String> workerProps() {
        return workerProps;
    }

    private static final class RedisUriValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                throw new ConfigException(name, null, "a Redis URI is required, e.g. redis://localhost:6379");
            }
            String uri = value instanceof Password p ? p.value() : value.toString();
            try {
                URI parsed = URI.create(uri);
                if (!"redis".equals(parsed.getScheme()) && !"rediss".equals(parsed.getScheme())) {
                    throw new ConfigException(name, "[hidden]", "must start with redis:// or rediss://");
                }
                if (parsed.getHost() == null) {
                    throw new ConfigException(name, "[hidden]", "has no host");
                }
            } catch (IllegalArgumentException e) {
                // the value may hold a password: never echo it
                throw new ConfigException(name, "[hidden]", "is not a valid URI: " + e.getClass().getSimpleName());
            }
        }

        @Override
        public String toString() {
            return "redis://[user:password@]host[:port][/db] or rediss://...";
        }
    }

    private static final class NonEmptyList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || ((List<?>) value).isEmpty()) {
                throw new ConfigException(name, value, "must list at least one class");
            }
        }

        @Override
        public String toString() {
            return "non-empty list";
        }
    }
}
