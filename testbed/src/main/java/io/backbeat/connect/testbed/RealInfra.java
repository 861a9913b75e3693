package io.backbeat.connect.testbed;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Selects real external services instead of the in-process ones.
 *
 * <p>By default every launcher of the test bed starts its own component (MongoDB stand-in, S3Mock, ...).
 * With the Maven profile {@code real-infra} (system property {@code backbeat.test.infra=real}) the launchers
 * hand out the endpoints a user configured instead, so the very same integration tests run against a real
 * MongoDB replica set and a real S3 service. Each setting is read from a system property first, then from
 * the environment variable of the same meaning:
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>system property</th><th>environment</th><th>meaning</th></tr>
 *   <tr><td>backbeat.test.mongodb.uri</td><td>BACKBEAT_TEST_MONGODB_URI</td><td>replica-set connection string</td></tr>
 *   <tr><td>backbeat.test.s3.endpoint</td><td>BACKBEAT_TEST_S3_ENDPOINT</td><td>S3 endpoint URL</td></tr>
 *   <tr><td>backbeat.test.s3.access-key</td><td>BACKBEAT_TEST_S3_ACCESS_KEY</td><td>access key id</td></tr>
 *   <tr><td>backbeat.test.s3.secret-key</td><td>BACKBEAT_TEST_S3_SECRET_KEY</td><td>secret access key</td></tr>
 *   <tr><td>backbeat.test.s3.region</td><td>BACKBEAT_TEST_S3_REGION</td><td>region (default us-east-1)</td></tr>
 * </table>
 *
 * <p>When real infrastructure is selected but a setting is missing, the launcher fails with a message naming
 * the missing setting: a run that asked for real services never falls back to the embedded ones silently.
 */
public final class RealInfra {

    /** System property that selects real infrastructure; the Maven profile {@code real-infra} sets it. */
    public static final String SELECT_PROPERTY = "backbeat.test.infra";

    private RealInfra() {
    }

    /** True when the run asked for real external services. */
    public static boolean selected() {
        return selected(RealInfra::systemOrEnvironment);
    }

    /** The MongoDB connection string of a real replica set, when real infrastructure is selected. */
    public static Optional<String> mongoUri() {
        return mongoUri(RealInfra::systemOrEnvironment);
    }

    /** The S3 endpoint of a real S3 service, when real infrastructure is selected. */
    public static Optional<S3Settings> s3() {
        return s3(RealInfra::systemOrEnvironment);
    }

    static boolean selected(Function<String, String> settings) {
        String value = setting(settings, SELECT_PROPERTY).orElse("embedded").toLowerCase(Locale.ROOT);
        switch (value) {
            case "real":
                return true;
            case "embedded":
            case "":
                return false;
            default:
                throw new IllegalStateException(SELECT_PROPERTY + " must be 'real' or 'embedded', got '" + value + "'");
        }
    }

    static Optional<String> mongoUri(Function<String, String> settings) {
        if (!selected(settings)) {
            return Optional.empty();
        }
        return Optional.of(required(settings, "backbeat.test.mongodb.uri"));
    }

    static Optional<S3Settings> s3(Function<String, String> settings) {
        if (!selected(settings)) {
            return Optional.empty();
        }
        URI endpoint;
        String raw = required(settings, "backbeat.test.s3.endpoint");
        try {
            endpoint = URI.create(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("backbeat.test.s3.endpoint is not a URL: '" + raw + "'", e);
        }
        if (endpoint.getScheme() == null || endpoint.getHost() == null) {
            throw new IllegalStateException("backbeat.test.s3.endpoint must be an absolute http(s) URL, got '"
                    + raw + "'");
        }
        return Optional.of(new S3Settings(endpoint,
                setting(settings, "backbeat.test.s3.region").orElse("us-east-1"),
                required(settings, "backbeat.test.s3.access-key"),
                required(settings, "backbeat.test.s3.secret-key")));
    }

    /** Connection settings of a real S3 service. */
    public record S3Settings(URI endpoint, String region, String accessKey, String secretKey) {
        @Override
        public String toString() {
            // the secret stays out of logs and assertion messages
            return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", accessKey=" + accessKey + "]";
        }
    }

    /** A setting from the system property, else from the environment variable derived from its name. */
    private static String systemOrEnvironment(String property) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? System.getenv(envName(property)) : value;
    }

    private static Optional<String> setting(Function<String, String> settings, String property) {
        String value = settings.apply(property);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String required(Function<String, String> settings, String property) {
        return setting(settings, property).orElseThrow(() -> new IllegalStateException(
                "Real infrastructure is selected (" + SELECT_PROPERTY + "=real) but " + property
                        + " (environment " + envName(property) + ") is not set"));
    }
}
