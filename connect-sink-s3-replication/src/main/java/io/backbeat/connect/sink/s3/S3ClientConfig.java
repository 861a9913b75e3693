package io.backbeat.connect.sink.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The settings of one S3 client, as a reusable fragment of a connector's {@link ConfigDef}: every key is
 * defined under a prefix, so that one connector can hold several clients ({@code source.s3.} to read the
 * source site, {@code destination.s3.} to write the destination).
 *
 * <p>Credentials are static keys ({@code PASSWORD} configs, so Connect config providers can supply them and
 * they are never logged), optionally exchanged for a role through STS AssumeRole (refreshed before they
 * expire), or, when no key is given, the AWS SDK's default chain (environment, profile, instance role).
 */
public final class S3ClientConfig {

    public static final String ENDPOINT = "endpoint";
    public static final String REGION = "region";
    public static final String PATH_STYLE = "path.style.access";
    public static final String ACCESS_KEY_ID = "access.key.id";
    public static final String SECRET_ACCESS_KEY = "secret.access.key";
    public static final String SESSION_TOKEN = "session.token";
    public static final String ROLE_ARN = "sts.role.arn";
    public static final String ROLE_SESSION_NAME = "sts.role.session.name";
    public static final String ROLE_EXTERNAL_ID = "sts.role.external.id";
    public static final String STS_ENDPOINT = "sts.endpoint";
    public static final String ROLE_DURATION_S = "sts.role.duration.seconds";
    public static final String ROLE_REFRESH_BEFORE_S = "sts.refresh.before.expiry.seconds";
    public static final String CHECKSUM = "checksum.calculation";
    public static final String CHUNKED_UPLOAD = "chunked.upload";
    public static final String TRUSTSTORE_LOCATION = "tls.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "tls.truststore.password";
    public static final String TRUSTSTORE_TYPE = "tls.truststore.type";
    public static final String TRUST_ALL = "tls.trust.all";
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String CONNECTION_TIMEOUT_MS = "connection.timeout.ms";
    public static final String SOCKET_TIMEOUT_MS = "socket.timeout.ms";

    /** How the SDK computes and checks payload checksums. */
    public enum ChecksumMode {
        /** The SDK default: checksums on every operation that supports them (AWS S3, recent servers). */
        WHEN_SUPPORTED,
        /** Only where the API requires one: needed for Ceph RGW Pacific, which refuses trailer checksums. */
        WHEN_REQUIRED
    }

    private final String prefix;
    private final URI endpoint;
    private final String region;
    private final boolean pathStyle;
    private final Password accessKeyId;
    private final Password secretAccessKey;
    private final Password sessionToken;
    private final String roleArn;
    private final String roleSessionName;
    private final String roleExternalId;
    private final URI stsEndpoint;
    private final int roleDurationSeconds;
    private final int roleRefreshBeforeSeconds;
    private final ChecksumMode checksumMode;
    private final boolean chunkedUpload;
    private final String truststoreLocation;
    private final Password truststorePassword;
    private final String truststoreType;
    private final boolean trustAll;
    private final int maxConnections;
    private final Duration connectionTimeout;
    private final Duration socketTimeout;

    /**
     * Adds the keys of one client, under {@code prefix} (e.g. {@code destination.s3.}), to {@code def}.
     *
     * @param what  human name of the client, used in docs (e.g. "destination site")
     * @param group the ConfigDef group the keys belong to
     */
    public static ConfigDef addTo(ConfigDef def, String prefix, String what, String group) {
        int order = 0;
        return def
                .define(prefix + ENDPOINT, Type.STRING, "", new UriValidator(), Importance.HIGH,
                        "S3 endpoint of the " + what + " (e.g. http://127.0.0.1:8000). Empty: AWS S3 of the region.",
                        group, ++order, Width.LONG, "Endpoint")
                .define(prefix + REGION, Type.STRING, "us-east-1", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Region used for signing requests to the " + what + ".", group, ++order, Width.SHORT,
                        "Region")
                .define(prefix + PATH_STYLE, Type.BOOLEAN, true, Importance.MEDIUM,
                        "Path-style addressing (http://host/bucket/key) instead of virtual hosts. Needed by "
                                + "CloudServer, Ceph RGW and most S3 servers reached by IP address.",
                        group, ++order, Width.SHORT, "Path-style access")
                .define(prefix + ACCESS_KEY_ID, Type.PASSWORD, "", Importance.HIGH,
                        "Access key id for the " + what + ". Empty: the AWS SDK default credentials chain. "
                                + "Use a config provider (e.g. ${file:/secrets:key}) to keep it out of the config.",
                        group, ++order, Width.MEDIUM, "Access key id")
                .define(prefix + SECRET_ACCESS_KEY, Type.PASSWORD, "", Importance.HIGH,
                        "Secret access key for the " + what + ".", group, ++order, Width.MEDIUM, "Secret access key")
                .define(prefix + SESSION_TOKEN, Type.PASSWORD, "", Importance.LOW,
                        "Session token, for temporary static credentials.", group, ++order, Width.MEDIUM,
                        "Session token")
                .define(prefix + ROLE_ARN, Type.STRING, "", Importance.MEDIUM,
                        "Role to assume through STS AssumeRole (with the credentials above, or the default chain, "
                                + "as the caller). The role's credentials are refreshed before they expire.",
                        group, ++order, Width.LONG, "Role ARN")
                .define(prefix + ROLE_SESSION_NAME, Type.STRING, "backbeat-connect", Importance.LOW,
                        "Session name of the assumed role.", group, ++order, Width.MEDIUM, "Role session name")
                .define(prefix + ROLE_EXTERNAL_ID, Type.STRING, "", Importance.LOW,
                        "External id required by the role's trust policy, if any.", group, ++order, Width.MEDIUM,
                        "Role external id")
                .define(prefix + STS_ENDPOINT, Type.STRING, "", new UriValidator(), Importance.LOW,
                        "STS endpoint. Empty: AWS STS of the region.", group, ++order, Width.LONG, "STS endpoint")
                .define(prefix + ROLE_DURATION_S, Type.INT, 3600, Range.between(900, 43200), Importance.LOW,
                        "Lifetime of the assumed role's credentials.", group, ++order, Width.SHORT,
                        "Role session duration (s)")
                .define(prefix + ROLE_REFRESH_BEFORE_S, Type.INT, 300, Range.atLeast(1), Importance.LOW,
                        "Credentials of the role are renewed this long before they expire.", group, ++order,
                        Width.SHORT, "Refresh before expiry (s)")
                .define(prefix + CHECKSUM, Type.STRING, "when_supported",
                        ConfigDef.CaseInsensitiveValidString.in("when_supported", "when_required"), Importance.MEDIUM,
                        "When the SDK computes request checksums and checks response checksums: when_supported "
                                + "(SDK default) or when_required. Ceph RGW (Pacific) needs when_required.",
                        group, ++order, Width.SHORT, "Checksum calculation")
                .define(prefix + CHUNKED_UPLOAD, Type.BOOLEAN, true, Importance.LOW,
                        "Stream uploads in aws-chunked encoding where the SDK does (http endpoints, trailer "
                                + "checksums). false for Ceph RGW (Pacific) on http: it stores 'aws-chunked' as the "
                                + "object's Content-Encoding and refuses a chunked upload of an object with its own "
                                + "Content-Encoding. Unchunked on http, the payload's SHA-256 is signed, so the "
                                + "source is read twice (once to hash, once to send); on https with when_required "
                                + "checksums it is sent unsigned and read once.",
                        group, ++order, Width.SHORT, "Chunked upload")
                .define(prefix + TRUSTSTORE_LOCATION, Type.STRING, "", Importance.LOW,
                        "Trust store (JKS or PKCS12) with the CA of an https endpoint signed by a private CA. "
                                + "Empty: the JVM's trust store.",
                        group, ++order, Width.LONG, "Trust store")
                .define(prefix + TRUSTSTORE_PASSWORD, Type.PASSWORD, "", Importance.LOW, "Trust store password.",
                        group, ++order, Width.MEDIUM, "Trust store password")
                .define(prefix + TRUSTSTORE_TYPE, Type.STRING, "PKCS12",
                        ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"), Importance.LOW, "Trust store type.",
                        group, ++order, Width.SHORT, "Trust store type")
                .define(prefix + TRUST_ALL, Type.BOOLEAN, false, Importance.LOW,
                        "Accept any server certificate. For test labs only: it disables TLS authentication.",
                        group, ++order, Width.SHORT, "Trust all certificates")
                .define(prefix + MAX_CONNECTIONS, Type.INT, 64, Range.between(1, 4096), Importance.LOW,
                        "Size of the HTTP connection pool. Should cover entries in flight times parts in flight.",
                        group, ++order, Width.SHORT, "Max connections")
                .define(prefix + CONNECTION_TIMEOUT_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                        "Timeout to open a connection.", group, ++order, Width.SHORT, "Connection timeout (ms)")
                .define(prefix + SOCKET_TIMEOUT_MS, Type.INT, 120_000, Range.atLeast(1), Importance.LOW,
                        "Timeout of a socket read or write without progress.", group, ++order, Width.SHORT,
                        "Socket timeout (ms)");
    }

    /** Reads the keys under {@code prefix} from a config whose ConfigDef got them through {@link #addTo}. */
    public S3ClientConfig(AbstractConfig config, String prefix) {
        this.prefix = prefix;
        this.endpoint = uriOrNull(config.getString(prefix + ENDPOINT));
        this.region = config.getString(prefix + REGION);
        this.pathStyle = config.getBoolean(prefix + PATH_STYLE);
        this.accessKeyId = config.getPassword(prefix + ACCESS_KEY_ID);
        this.secretAccessKey = config.getPassword(prefix + SECRET_ACCESS_KEY);
        this.sessionToken = config.getPassword(prefix + SESSION_TOKEN);
        this.roleArn = config.getString(prefix + ROLE_ARN).trim();
        this.roleSessionName = config.getString(prefix + ROLE_SESSION_NAME);
        this.roleExternalId = config.getString(prefix + ROLE_EXTERNAL_ID).trim();
        this.stsEndpoint = uriOrNull(config.getString(prefix + STS_ENDPOINT));
        this.roleDurationSeconds = config.getInt(prefix + ROLE_DURATION_S);
        this.roleRefreshBeforeSeconds = config.getInt(prefix + ROLE_REFRESH_BEFORE_S);
        this.checksumMode = ChecksumMode.valueOf(config.getString(prefix + CHECKSUM).toUpperCase(Locale.ROOT));
        this.chunkedUpload = config.getBoolean(prefix + CHUNKED_UPLOAD);
        this.truststoreLocation = config.getString(prefix + TRUSTSTORE_LOCATION).trim();
        this.truststorePassword = config.getPassword(prefix + TRUSTSTORE_PASSWORD);
        this.truststoreType = config.getString(prefix + TRUSTSTORE_TYPE).toUpperCase(Locale.ROOT);
        this.trustAll = config.getBoolean(prefix + TRUST_ALL);
        this.maxConnections = config.getInt(prefix + MAX_CONNECTIONS);
        this.connectionTimeout = Duration.ofMillis(config.getInt(prefix + CONNECTION_TIMEOUT_MS));
        this.socketTimeout = Duration.ofMillis(config.getInt(prefix + SOCKET_TIMEOUT_MS));
        boolean hasKey = !accessKeyId.value().isEmpty();
        boolean hasSecret = !secretAccessKey.value().isEmpty();
        if (hasKey != hasSecret) {
            throw new ConfigException(prefix + (hasKey ? SECRET_ACCESS_KEY : ACCESS_KEY_ID), "[hidden]",
                    "access key id and secret access key must be given together");
        }
    }

    /** A standalone ConfigDef with only this fragment, handy for tools and tests. */
    public static S3ClientConfig of(String prefix, Map<String, ?> props) {
        ConfigDef def = addTo(new ConfigDef(), prefix, "S3 endpoint", "S3");
        return new S3ClientConfig(new AbstractConfig(def, props, false), prefix);
    }

    private static URI uriOrNull(String value) {
        String v = value == null ? "" : value.trim();
        return v.isEmpty() ? null : URI.create(v);
    }

    public String prefix() {
        return prefix;
    }

    /** Endpoint override, or null for AWS. */
    public URI endpoint() {
        return endpoint;
    }

    public String region() {
        return region;
    }

    public boolean pathStyle() {
        return pathStyle;
    }

    public boolean hasStaticKeys() {
        return !accessKeyId.value().isEmpty();
    }

    public Password accessKeyId() {
        return accessKeyId;
    }

    public Password secretAccessKey() {
        return secretAccessKey;
    }

    public Password sessionToken() {
        return sessionToken;
    }

    public boolean assumesRole() {
        return !roleArn.isEmpty();
    }

    public String roleArn() {
        return roleArn;
    }

    public String roleSessionName() {
        return roleSessionName;
    }

    public String roleExternalId() {
        return roleExternalId;
    }

    public URI stsEndpoint() {
        return stsEndpoint;
    }

    public int roleDurationSeconds() {
        return roleDurationSeconds;
    }

    public int roleRefreshBeforeSeconds() {
        return roleRefreshBeforeSeconds;
    }

    public ChecksumMode checksumMode() {
        return checksumMode;
    }

    /** Whether uploads may be streamed aws-chunked (the SDK's choice), see {@link #CHUNKED_UPLOAD}. */
    public boolean chunkedUpload() {
        return chunkedUpload;
    }

    public String truststoreLocation() {
        return truststoreLocation;
    }

    public Password truststorePassword() {
        return truststorePassword;
    }

    public String truststoreType() {
        return truststoreType;
    }

    public boolean trustAll() {
        return trustAll;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    public Duration socketTimeout() {
        return socketTimeout;
    }

    /** The key of the credentials setting, where credential errors are reported. */
    public String credentialsKey() {
        return prefix + (assumesRole() ? ROLE_ARN : ACCESS_KEY_ID);
    }

    /** Keys of this fragment under its prefix, e.g. to find them in a validation result. */
    public static List<String> keys(String prefix) {
        return List.of(ENDPOINT, REGION, PATH_STYLE, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, ROLE_ARN,
                ROLE_SESSION_NAME, ROLE_EXTERNAL_ID, STS_ENDPOINT, ROLE_DURATION_S, ROLE_REFRESH_BEFORE_S, CHECKSUM,
                CHUNKED_UPLOAD, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE, TRUST_ALL, MAX_CONNECTIONS,
                CONNECTION_TIMEOUT_MS, SOCKET_TIMEOUT_MS).stream().map(k -> prefix + k).toList();
    }

    @Override
    public String toString() {
        // never the secrets
        return "S3ClientConfig{" + prefix + "endpoint=" + (endpoint == null ? "(aws)" : endpoint) + ", region="
                + region + ", pathStyle=" + pathStyle + ", credentials="
                + (assumesRole() ? "assume-role " + roleArn : hasStaticKeys() ? "static" : "default-chain")
                + ", checksum=" + checksumMode
                + (chunkedUpload ? "" : ", unchunked") + "}";
    }

    /** Accepts an empty string or an absolute http(s) URI. */
    static final class UriValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String v = value == null ? "" : value.toString().trim();
            if (v.isEmpty()) {
                return;
            }
            try {
                URI uri = new URI(v);
                String scheme = uri.getScheme();
                if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                        || uri.getHost() == null) {
                    throw new ConfigException(name, value, "must be an http:// or https:// URL with a host");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name, value, "not a valid URL: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "empty, or an http(s) URL";
        }
    }
}
