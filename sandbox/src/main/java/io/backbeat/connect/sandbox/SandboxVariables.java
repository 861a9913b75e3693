package io.backbeat.connect.sandbox;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * The {@code env} config provider of the sandbox's workers: resolves the {@code ${env:NAME}} placeholders of
 * {@code connector-configs/*.json} from the endpoints the sandbox started, then from the process environment.
 *
 * <p>A deployed worker maps {@code env} to Kafka's {@code EnvVarConfigProvider} and gets the same names from
 * its environment (see docker/). The sandbox cannot set environment variables of its own running JVM, so its
 * workers use this provider instead; the connector configs stay byte for byte what a user posts, and secrets
 * stay out of the stored connector configs in both cases.
 */
public final class SandboxVariables implements ConfigProvider {

    private static final Map<String, String> VALUES = new ConcurrentHashMap<>();

    /**
     * Sets the values the sandbox's workers resolve, replacing any earlier ones of the same names.
     *
     * @return what to run to put back what these names held before (a stack that stops restores the values of
     *         a stack started before it in the same JVM, e.g. a test's own stack beside the shared one)
     */
    public static synchronized Runnable define(Map<String, String> values) {
        Map<String, String> previous = new HashMap<>();
        values.keySet().forEach(name -> {
            String old = VALUES.get(name);
            if (old != null) {
                previous.put(name, old);
            }
        });
        VALUES.putAll(values);
        return () -> restore(values.keySet(), previous);
    }

    private static synchronized void restore(Set<String> names, Map<String, String> previous) {
        names.forEach(name -> {
            String old = previous.get(name);
            if (old == null) {
                VALUES.remove(name);
            } else {
                VALUES.put(name, old);
            }
        });
    }

    /** The value of a variable: the sandbox's, else the environment's; null when neither has it. */
    public static String lookup(String name) {
        String value = VALUES.get(name);
        return value != null ? value : System.getenv(name);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure: the values come from the sandbox
    }

    @Override
    public ConfigData get(String path) {
        requireNoPath(path);
        return new ConfigData(Map.copyOf(VALUES));
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        requireNoPath(path);
        Map<String, String> data = new HashMap<>();
        for (String key : keys) {
            String value = lookup(key);
            if (value == null) {
                throw new ConfigException("The variable " + key + " used as ${env:" + key + "} is neither set by "
                        + "the sandbox nor in the environment");
            }
            data.put(key, value);
        }
        return new ConfigData(data);
    }

    private static void requireNoPath(String path) {
        if (path != null && !path.isEmpty()) {
            throw new ConfigException("The env provider takes no path (use ${env:NAME}), got path '" + path + "'");
        }
    }

    @Override
    public void close() {
    }
}
