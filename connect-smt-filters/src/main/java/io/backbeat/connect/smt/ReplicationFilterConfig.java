package io.backbeat.connect.smt;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** Configuration of {@link ReplicationFilter}. */
public final class ReplicationFilterConfig extends AbstractConfig {

    static final String GROUP_REPLICATION = "Replication";

    public static final ConfigDef CONFIG_DEF = configDef();

    public ReplicationFilterConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        FilterOptions.defineSite(def, GROUP_REPLICATION, 1,
                "The destination site this connector replicates to, as named in the objects' "
                        + "replicationInfo.backends (CloudServer's replication site / storage class name). Only "
                        + "entries pending for this site are kept. Empty keeps entries pending for any site.");
        FilterOptions.defineColdLocations(def, GROUP_REPLICATION, 2);
        FilterOptions.defineInvalidAction(def, GROUP_REPLICATION, 3);
        FilterOptions.defineNonObjectHandling(def, 1);
        return def;
    }

    /** The decision this configuration describes. */
    ReplicationDecision decision() {
        return new ReplicationDecision(FilterOptions.site(this), getList(FilterOptions.COLD_LOCATIONS));
    }
}
