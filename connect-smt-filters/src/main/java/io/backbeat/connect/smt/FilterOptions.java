package io.backbeat.connect.smt;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration keys shared by the transforms and predicates of this module, defined once so that
 * every plugin spells and documents them the same way.
 */
final class FilterOptions {

    static final String GROUP_RECORDS = "Records that are not object entries";

    static final String ON_INVALID = "on.invalid";
    static final String BUCKET_ENTRIES = "bucket.entries";
    static final String HEARTBEATS = "heartbeats";
    static final String HEARTBEAT_TOPIC = "heartbeat.topic";
    /** The metadata log source connector's default heartbeat.topic. */
    static final String DEFAULT_HEARTBEAT_TOPIC = "backbeat-metadata-log-heartbeats";

    static final String SITE = "site";
    static final String COLD_LOCATIONS = "cold.locations";

    private FilterOptions() {
    }

    /** What a transform does with a record that is not a valid log entry. */
    enum InvalidRecordAction {
        /** Raise a {@code DataException}: Connect fails the task or, with errors.tolerance=all, logs the
         *  record and sends it to the dead letter queue. */
        FAIL,
        /** Log a warning naming the record and the problem, then drop the record. */
        DROP
    }

    /** What a predicate answers for a record that is not a valid log entry. */
    enum InvalidRecordAnswer {
        FAIL, TRUE, FALSE
    }

    /** Whether a transform passes a kind of record through or drops it. */
    enum PassOrDrop {
        KEEP, DROP
    }

    static void defineInvalidAction(ConfigDef def, String group, int order) {
        def.define(ON_INVALID, ConfigDef.Type.STRING, "fail", choices(InvalidRecordAction.values()),
                ConfigDef.Importance.MEDIUM,
                "What to do with a record that is not a valid metadata log entry (null value, a value that is "
                        + "not a LogEntry struct, a put entry whose object metadata is missing or not parseable). "
                        + "'fail' raises a DataException that names the record and the problem: Connect then fails "
                        + "the task, or with errors.tolerance=all skips the record, logs it "
                        + "(errors.log.enable) and writes it to the dead letter queue "
                        + "(errors.deadletterqueue.topic.name). 'drop' logs a warning and drops the record.",
                group, order, ConfigDef.Width.SHORT, "On invalid record");
    }

    static void defineInvalidAnswer(ConfigDef def, String group, int order) {
        def.define(ON_INVALID, ConfigDef.Type.STRING, "fail", choices(InvalidRecordAnswer.values()),
                ConfigDef.Importance.MEDIUM,
                "What the predicate answers for a record that is not a valid metadata log entry (null value, a "
                        + "value that is not a LogEntry struct, object metadata that cannot be parsed when the "
                        + "predicate needs it). 'fail' raises a DataException that names the record and the "
                        + "problem (Connect's errors.tolerance and dead letter queue then apply); 'true' or "
                        + "'false' answer that value and log a warning.",
                group, order, ConfigDef.Width.SHORT, "On invalid record");
    }

    static void defineNonObjectHandling(ConfigDef def, int order) {
        def.define(BUCKET_ENTRIES, ConfigDef.Type.STRING, "drop", choices(PassOrDrop.values()),
                ConfigDef.Importance.LOW,
                "What to do with bucket entries (kind BUCKET: bucket creation and bucket configuration "
                        + "changes from __metastore). 'drop' removes them; 'keep' passes them through unchanged.",
                GROUP_RECORDS, order, ConfigDef.Width.SHORT, "Bucket entries");
        def.define(HEARTBEATS, ConfigDef.Type.STRING, "drop", choices(PassOrDrop.values()),
                ConfigDef.Importance.LOW,
                "What to do with heartbeat records of the metadata log source connector (records of "
                        + HEARTBEAT_TOPIC + "; they only keep the source's resume token fresh and reach a sink "
                        + "only when it also reads that topic). 'drop' removes them; 'keep' passes them through "
                        + "unchanged.",
                GROUP_RECORDS, order + 1, ConfigDef.Width.SHORT, "Heartbeats");
        defineHeartbeatTopic(def, order + 2);
    }

    static void defineHeartbeatTopic(ConfigDef def, int order) {
        def.define(HEARTBEAT_TOPIC, ConfigDef.Type.STRING, DEFAULT_HEARTBEAT_TOPIC,
                new ConfigDef.NonEmptyStringWithoutControlChars(), ConfigDef.Importance.LOW,
                "The heartbeat topic of the metadata log source connector (its heartbeat.topic). Every record "
                        + "of this topic is a heartbeat (null value), not an invalid record.",
                GROUP_RECORDS, order, ConfigDef.Width.MEDIUM, "Heartbeat topic");
    }

    static void defineSite(ConfigDef def, String group, int order, String doc) {
        def.define(SITE, ConfigDef.Type.STRING, "", new SiteName(), ConfigDef.Importance.HIGH, doc,
                group, order, ConfigDef.Width.MEDIUM, "Destination site");
    }

    static void defineColdLocations(ConfigDef def, String group, int order) {
        def.define(COLD_LOCATIONS, ConfigDef.Type.LIST, "", ConfigDef.Importance.MEDIUM,
                "Names of cold (archive) locations, comma separated. An object whose metadata says it is stored "
                        + "on one of them (dataStoreName) is not replicated, as in Backbeat where locations "
                        + "flagged isCold are skipped by the replication queue populator.",
                group, order, ConfigDef.Width.LONG, "Cold locations");
    }

    static void definePattern(ConfigDef def, String name, String defaultValue, String doc, String group,
                              int order, String displayName) {
        def.define(name, ConfigDef.Type.STRING, defaultValue, new RegexValidator(), ConfigDef.Importance.HIGH,
                doc, group, order, ConfigDef.Width.LONG, displayName);
    }

    static <E extends Enum<E>> E choice(AbstractConfig config, String name, Class<E> type) {
        return Enum.valueOf(type, config.getString(name).trim().toUpperCase(Locale.ROOT));
    }

    /** The site setting, or null when the filter applies to any site. */
    static String site(AbstractConfig config) {
        String site = config.getString(SITE);
        return site == null || site.isBlank() ? null : site.trim();
    }

    private static ConfigDef.Validator choices(Enum<?>[] values) {
        return ConfigDef.CaseInsensitiveValidString.in(Arrays.stream(values)
                .map(v -> v.name().toLowerCase(Locale.ROOT))
                .toArray(String[]::new));
    }

    /** Accepts a Java regular expression and reports the syntax error on the key when it does not compile. */
    static final class RegexValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                throw new ConfigException(name, null, "a regular expression is required");
            }
            try {
                Pattern.compile((String) value);
            } catch (PatternSyntaxException e) {
                throw new ConfigException(name, value, "not a valid Java regular expression: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
        }

        @Override
        public String toString() {
            return "a Java regular expression";
        }
    }

    /** A site name as it appears in replicationInfo.backends[].site: no commas, no surrounding spaces. */
    static final class SiteName implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String site = (String) value;
            if (site == null || site.isEmpty()) {
                return;
            }
            if (!site.equals(site.trim()) || site.isBlank()) {
                throw new ConfigException(name, value, "a site name must not start or end with spaces");
            }
            if (site.contains(",")) {
                throw new ConfigException(name, value, "one site per filter: run one connector per destination site");
            }
        }

        @Override
        public String toString() {
            return "a site name, or empty for any site";
        }
    }
}
