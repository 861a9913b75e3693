package io.backbeat.connect.smt;

import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** Configuration of {@link KeyNameFilter}. */
public final class KeyNameFilterConfig extends AbstractConfig {

    public static final String KEY_PATTERN = "key.pattern";
    /** The helloWorld extension: objects named "helloworld", in any letter case. */
    public static final String DEFAULT_KEY_PATTERN = "(?i)^helloworld$";

    static final String GROUP_KEY = "Object key";

    public static final ConfigDef CONFIG_DEF = configDef();

    public KeyNameFilterConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        FilterOptions.definePattern(def, KEY_PATTERN, DEFAULT_KEY_PATTERN,
                "Java regular expression searched in the object key (the full key, prefixes included, e.g. "
                        + "'dir/helloworld'); entries whose key contains a match are kept. Anchor it with ^ and $ "
                        + "to match the whole key; prefix it with (?i) to ignore letter case. The default keeps "
                        + "objects named helloworld in any case, as Backbeat's helloWorld extension.",
                GROUP_KEY, 1, "Key pattern");
        FilterOptions.defineInvalidAction(def, GROUP_KEY, 2);
        FilterOptions.defineNonObjectHandling(def, 1);
        return def;
    }

    Pattern keyPattern() {
        return Pattern.compile(getString(KEY_PATTERN));
    }
}
