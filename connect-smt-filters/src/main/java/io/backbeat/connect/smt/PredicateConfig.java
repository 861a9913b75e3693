package io.backbeat.connect.smt;

import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** Configurations of the predicates of this module: one {@link ConfigDef} per predicate. */
public final class PredicateConfig extends AbstractConfig {

    public static final String PATTERN = "pattern";

    static final String GROUP = "Predicate";

    /** {@link ReplicationPendingForSite}. */
    public static final ConfigDef REPLICATION_PENDING = replicationPending();
    /** {@link BucketNameMatches}. */
    public static final ConfigDef BUCKET_NAME = pattern("the bucket name (of object and bucket entries)");
    /** {@link KeyNameMatches}. */
    public static final ConfigDef KEY_NAME = pattern("the object key (bucket entries, which have no key, never "
            + "match)");
    /** Predicates that take no setting of their own. */
    public static final ConfigDef PLAIN = plain();

    PredicateConfig(ConfigDef def, Map<?, ?> props) {
        super(def, props);
    }

    Pattern pattern() {
        return Pattern.compile(getString(PATTERN));
    }

    ReplicationDecision decision() {
        return new ReplicationDecision(FilterOptions.site(this), getList(FilterOptions.COLD_LOCATIONS));
    }

    private static ConfigDef replicationPending() {
        ConfigDef def = new ConfigDef();
        FilterOptions.defineSite(def, GROUP, 1,
                "The destination site, as named in the objects' replicationInfo.backends. The predicate is "
                        + "true for object entries that Backbeat's queue populator would replicate to this site "
                        + "(the same decision as ReplicationFilter). Empty: pending for any site.");
        FilterOptions.defineColdLocations(def, GROUP, 2);
        FilterOptions.defineInvalidAnswer(def, GROUP, 3);
        FilterOptions.defineHeartbeatTopic(def, 1);
        return def;
    }

    private static ConfigDef pattern(String what) {
        ConfigDef def = new ConfigDef();
        def.define(PATTERN, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new FilterOptions.RegexValidator(),
                ConfigDef.Importance.HIGH,
                "Java regular expression searched in " + what + "; the predicate is true when it finds a "
                        + "match. Anchor it with ^ and $ to match the whole name; prefix it with (?i) to ignore "
                        + "letter case.",
                GROUP, 1, ConfigDef.Width.LONG, "Pattern");
        FilterOptions.defineInvalidAnswer(def, GROUP, 2);
        FilterOptions.defineHeartbeatTopic(def, 1);
        return def;
    }

    private static ConfigDef plain() {
        ConfigDef def = new ConfigDef();
        FilterOptions.defineInvalidAnswer(def, GROUP, 1);
        FilterOptions.defineHeartbeatTopic(def, 1);
        return def;
    }
}
