package io.backbeat.connect.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * Writes the configuration reference of every plugin of the bundle, straight from their
 * {@link ConfigDef}s, so that the reference can never drift from the code.
 *
 * <p>Plugins are found the way a worker with {@code plugin.discovery=service_load} finds them:
 * through {@code META-INF/services}. Only plugins of our own package root are documented.
 */
public final class ConfigReference {

    static final String PACKAGE_ROOT = "io.backbeat.connect.";

    private ConfigReference() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ConfigReference <output markdown file>");
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, render(discover()));
    }

    /** A documented plugin: its kind, class and configuration. */
    record Plugin(String kind, Class<?> type, ConfigDef config) {
    }

    static List<Plugin> discover() {
        List<Plugin> plugins = new ArrayList<>();
        ClassLoader loader = ConfigReference.class.getClassLoader();
        for (SourceConnector c : ServiceLoader.load(SourceConnector.class, loader)) {
            add(plugins, "Source connector", c.getClass(), c.config());
        }
        for (SinkConnector c : ServiceLoader.load(SinkConnector.class, loader)) {
            add(plugins, "Sink connector", c.getClass(), c.config());
        }
        @SuppressWarnings("rawtypes")
        ServiceLoader<Transformation> transforms = ServiceLoader.load(Transformation.class, loader);
        for (Transformation<?> t : transforms) {
            add(plugins, "Transform", t.getClass(), t.config());
        }
        @SuppressWarnings("rawtypes")
        ServiceLoader<Predicate> predicates = ServiceLoader.load(Predicate.class, loader);
        for (Predicate<?> p : predicates) {
            add(plugins, "Predicate", p.getClass(), p.config());
        }
        for (ConnectRestExtension e : ServiceLoader.load(ConnectRestExtension.class, loader)) {
            // a REST extension's settings are worker properties, not connector settings
            add(plugins, "REST extension (worker properties)", e.getClass(), e.config());
        }
        plugins.sort(Comparator.comparing(Plugin::kind).thenComparing(p -> p.type().getName()));
        return plugins;
    }

    private static void add(List<Plugin> plugins, String kind, Class<?> type, ConfigDef config) {
        if (type.getName().startsWith(PACKAGE_ROOT)) {
            if (config == null) {
                throw new IllegalStateException(type.getName() + " returns no ConfigDef from config()");
            }
            plugins.add(new Plugin(kind, type, config));
        }
    }

    static String render(List<Plugin> plugins) {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("Generated at build time from the plugins' `ConfigDef`s; do not edit by hand.\n\n");
        for (Plugin plugin : plugins) {
            md.append("- [").append(plugin.type().getSimpleName()).append("](#")
                    .append(plugin.type().getSimpleName().toLowerCase(Locale.ROOT)).append(") — ")
                    .append(plugin.kind().toLowerCase(Locale.ROOT)).append('\n');
        }
        for (Plugin plugin : plugins) {
            md.append("\n## ").append(plugin.type().getSimpleName()).append("\n\n")
                    .append(plugin.kind()).append(": `").append(plugin.type().getName()).append("`\n\n")
                    .append("| name | type | default | valid values | importance | group | description |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            List<ConfigKey> keys = plugin.config().configKeys().values().stream()
                    .filter(k -> !k.internalConfig) // set by our own code, not by users
                    .sorted(Comparator.comparing((ConfigKey k) -> k.group == null ? "" : k.group)
                            .thenComparingInt(k -> k.orderInGroup)
                            .thenComparing(k -> k.name))
                    .collect(Collectors.toList());
            for (ConfigKey key : keys) {
                md.append("| `").append(key.name).append("` | ")
                        .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(cell(defaultValue(key))).append(" | ")
                        .append(cell(key.validator == null ? "" : key.validator.toString())).append(" | ")
                        .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(cell(key.group == null ? "" : key.group)).append(" | ")
                        .append(cell(key.documentation == null ? "" : key.documentation)).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String defaultValue(ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "null";
        }
        if (value instanceof Password) {
            return "[hidden]";
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
