package io.backbeat.connect.sink.tagging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import io.backbeat.connect.sink.S3ReplicationSinkConfig;
import io.backbeat.connect.sink.retry.RetryPolicy;
import io.backbeat.connect.sink.s3.S3ClientConfig;

/**
 * Configuration of {@link ObjectTaggingSinkConnector}: the tags to put, the source site's S3 endpoint (the
 * same {@code source.s3.*} settings as the replication sink) and the retry policy (the same {@code retry.*}
 * settings).
 */
public final class ObjectTaggingSinkConfig extends AbstractConfig {

    public static final String TAGS = "tags";
    public static final String DEFAULT_TAGS = "hello=world";
    /** The source site's S3 settings: the very keys the replication sink uses to read the source. */
    public static final String SOURCE_PREFIX = S3ReplicationSinkConfig.SOURCE_PREFIX;
    /** Connect's own setting, read to decide what a failed entry does when no error reporter is configured. */
    public static final String ERRORS_TOLERANCE = "errors.tolerance";

    /** S3's limits on object tags. */
    static final int MAX_TAGS = 10;
    static final int MAX_KEY_LENGTH = 128;
    static final int MAX_VALUE_LENGTH = 256;

    public static final ConfigDef CONFIG_DEF = configDef();

    private final Map<String, String> tags;

    public ObjectTaggingSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        this.tags = parseTags(TAGS, getList(TAGS));
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        def.define(TAGS, Type.LIST, DEFAULT_TAGS, new TagsValidator(), Importance.HIGH,
                "Tags put on every object version the connector receives, as a comma-separated list of "
                        + "key=value pairs (e.g. hello=world,team=storage). Existing tags of the object are kept; "
                        + "a tag with the same key gets the configured value. An object that already carries "
                        + "all of them is left alone (no write). S3 rules apply: at most " + MAX_TAGS
                        + " tags per object, keys of 1 to " + MAX_KEY_LENGTH + " characters not starting with "
                        + "'aws:', values up to " + MAX_VALUE_LENGTH + " characters; a key cannot contain '=' or "
                        + "',' and a value cannot contain ','.",
                "Tagging", 1, Width.LONG, "Tags");
        S3ClientConfig.addTo(def, SOURCE_PREFIX, "source site (CloudServer), where the objects are tagged",
                "Source S3");
        RetryPolicy.addTo(def);
        return def;
    }

    /** The configured tags, in configuration order. */
    public Map<String, String> tags() {
        return tags;
    }

    public S3ClientConfig source() {
        return new S3ClientConfig(this, SOURCE_PREFIX);
    }

    public RetryPolicy retryPolicy() {
        return RetryPolicy.from(this);
    }

    /**
     * Whether Connect's {@code errors.tolerance} of this connector is {@code all}. The setting belongs to the
     * framework (it is not in our ConfigDef); connectors pass their whole config to their tasks, so it is
     * among the originals.
     */
    public boolean toleratesErrors() {
        Object v = originals().get(ERRORS_TOLERANCE);
        return v != null && "all".equals(v.toString().trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Parses {@code key=value} items into tags.
     *
     * @throws ConfigException naming the item that is wrong and why
     */
    static Map<String, String> parseTags(String name, List<String> items) {
        if (items == null || items.isEmpty()) {
            throw new ConfigException(name, items, "at least one tag is required (key=value)");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(name, items, "'" + item + "' is not a key=value pair");
            }
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                throw new ConfigException(name, items, "tag key of '" + item + "' must have 1 to " + MAX_KEY_LENGTH
                        + " characters");
            }
            if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw new ConfigException(name, items, "tag key '" + key + "' uses the prefix 'aws:', reserved by S3");
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                throw new ConfigException(name, items, "the value of tag '" + key + "' is longer than "
                        + MAX_VALUE_LENGTH + " characters");
            }
            if (tags.put(key, value) != null) {
                throw new ConfigException(name, items, "tag key '" + key + "' is given twice");
            }
        }
        if (tags.size() > MAX_TAGS) {
            throw new ConfigException(name, items, tags.size() + " tags given; S3 allows at most " + MAX_TAGS
                    + " per object");
        }
        return Collections.unmodifiableMap(tags);
    }

    /** Checks the {@code tags} list at validation time, with the same messages as at start. */
    static final class TagsValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> items = (List<String>) value;
            parseTags(name, items);
        }

        @Override
        public String toString() {
            return "1 to " + MAX_TAGS + " key=value pairs, comma-separated";
        }
    }
}
