package io.backbeat.connect.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/** The generated reference documents every plugin our jars list in META-INF/services, and every key of each. */
class ConfigReferenceTest {

    /** The plugin interfaces a worker discovers with plugin.discovery=service_load. */
    private static final List<String> PLUGIN_SERVICES = List.of(
            "org.apache.kafka.connect.source.SourceConnector",
            "org.apache.kafka.connect.sink.SinkConnector",
            "org.apache.kafka.connect.transforms.Transformation",
            "org.apache.kafka.connect.transforms.predicates.Predicate",
            "org.apache.kafka.connect.rest.ConnectRestExtension",
            "org.apache.kafka.connect.storage.Converter",
            "org.apache.kafka.connect.storage.HeaderConverter",
            "org.apache.kafka.common.config.provider.ConfigProvider");

    /** Our plugin classes, read from the raw service files (not through ServiceLoader, which could skip one). */
    private static Set<String> listedPlugins() throws IOException {
        Set<String> classes = new TreeSet<>();
        ClassLoader loader = ConfigReference.class.getClassLoader();
        for (String service : PLUGIN_SERVICES) {
            Enumeration<URL> files = loader.getResources("META-INF/services/" + service);
            while (files.hasMoreElements()) {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(files.nextElement().openStream(), StandardCharsets.UTF_8))) {
                    in.lines().map(l -> l.replaceAll("#.*", "").trim())
                            .filter(l -> l.startsWith(ConfigReference.PACKAGE_ROOT))
                            .forEach(classes::add);
                }
            }
        }
        return classes;
    }

    @Test
    void everyListedPluginHasASectionWithAllItsKeys() throws IOException {
        Set<String> listed = listedPlugins();
        assertFalse(listed.isEmpty(), "no io.backbeat.connect plugin in any META-INF/services file on the class path");
        List<ConfigReference.Plugin> plugins = ConfigReference.discover();
        Set<String> documented = plugins.stream().map(p -> p.type().getName()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(listed, documented, "plugins listed in META-INF/services vs plugins in the reference");

        String markdown = ConfigReference.render(plugins);
        for (ConfigReference.Plugin plugin : plugins) {
            String section = section(markdown, plugin.type().getSimpleName());
            assertTrue(section.contains("`" + plugin.type().getName() + "`"), "section of " + plugin.type().getName()
                    + " does not name the class");
            for (ConfigDef.ConfigKey key : plugin.config().configKeys().values()) {
                if (key.internalConfig) {
                    continue;
                }
                assertTrue(section.contains("| `" + key.name + "` | " + key.type.name().toLowerCase() + " |"),
                        plugin.type().getSimpleName() + ": key " + key.name + " missing from the reference");
            }
        }
    }

    @Test
    void secretsAreNeverShownAsDefaults() {
        String markdown = ConfigReference.render(ConfigReference.discover());
        for (ConfigReference.Plugin plugin : ConfigReference.discover()) {
            for (ConfigDef.ConfigKey key : plugin.config().configKeys().values()) {
                if (key.type == ConfigDef.Type.PASSWORD && key.hasDefault() && key.defaultValue != null) {
                    String row = markdown.lines().filter(l -> l.startsWith("| `" + key.name + "` |")).findFirst()
                            .orElseThrow();
                    assertTrue(row.contains("[hidden]"), "the default of secret " + key.name + " is shown: " + row);
                }
            }
        }
    }

    private static String section(String markdown, String simpleName) {
        int start = markdown.indexOf("\n## " + simpleName + "\n");
        assertTrue(start >= 0, "no section for " + simpleName);
        int end = markdown.indexOf("\n## ", start + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }
}
