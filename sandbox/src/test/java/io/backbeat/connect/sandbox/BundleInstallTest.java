package io.backbeat.connect.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bundle as an operator installs it: the built zip, unzipped into the plugin.path of real distributed
 * workers, is the whole install. The plugins load from there (isolated), every connector-configs file validates
 * on those workers and runs, and a replication goes through to both sites.
 */
@ExtendWith(SharedSandbox.class)
class BundleInstallTest {

    private static final Map<String, String> SERVICE_TYPES = Map.of(
            "org.apache.kafka.connect.source.SourceConnector", "source",
            "org.apache.kafka.connect.sink.SinkConnector", "sink",
            "org.apache.kafka.connect.transforms.Transformation", "transformation",
            "org.apache.kafka.connect.transforms.predicates.Predicate", "predicate",
            "org.apache.kafka.connect.rest.ConnectRestExtension", "rest_extension");

    private static Path bundle() {
        return BundlePlugins.bundleDirectory(SharedSandbox.pluginPath());
    }

    /** Class → plugin type, as the bundle's jars list them in META-INF/services. */
    static Map<String, String> listedPlugins(Path bundle) throws IOException {
        Map<String, String> plugins = new TreeMap<>();
        try (Stream<Path> jars = Files.list(bundle.resolve("lib"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    for (Map.Entry<String, String> service : SERVICE_TYPES.entrySet()) {
                        JarEntry entry = file.getJarEntry("META-INF/services/" + service.getKey());
                        if (entry == null) {
                            continue;
                        }
                        try (BufferedReader in = new BufferedReader(new InputStreamReader(file.getInputStream(entry),
                                StandardCharsets.UTF_8))) {
                            in.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty())
                                    .forEach(c -> plugins.put(c, service.getValue()));
                        }
                    }
                }
            }
        }
        return plugins;
    }

    @Test
    void theZipHasTheHubLayout() throws IOException {
        Path bundle = bundle();
        JsonNode manifest = new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile());
        assertEquals("backbeat-connect", manifest.path("name").asText());
        assertEquals("backbeat-connect-" + manifest.path("version").asText(), bundle.getFileName().toString());
        Set<String> types = new TreeSet<>();
        manifest.path("component_types").forEach(t -> types.add(t.asText()));
        assertEquals(Set.of("source", "sink", "transform", "predicate", "rest-extension"), types);
        assertEquals("Apache License 2.0", manifest.path("license").path(0).path("name").asText());

        List<String> jars;
        try (Stream<Path> list = Files.list(bundle.resolve("lib"))) {
            jars = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String module : List.of("metadata-model", "connect-source-metadata-log", "connect-smt-filters",
                "connect-sink-s3-replication", "connect-rest-extension")) {
            assertTrue(jars.stream().anyMatch(j -> j.startsWith(module + "-")), "lib/ lacks " + module + ": " + jars);
        }
        // the worker provides Kafka and the logging API; a second copy in lib/ would shadow or clash with them
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("kafka-") || j.startsWith("connect-api")
                || j.startsWith("connect-runtime") || j.startsWith("slf4j-")), "worker jars in lib/: " + jars);

        Path configs = SharedSandbox.projectRoot().resolve("connector-configs");
        for (ConnectorConfigFile file : ConnectorConfigFile.readAll(configs)) {
            Path copy = bundle.resolve("etc").resolve(file.file().getFileName());
            assertTrue(Files.isRegularFile(copy), "etc/ lacks " + file.file().getFileName());
            assertArrayEquals(Files.readAllBytes(file.file()), Files.readAllBytes(copy),
                    "etc/" + copy.getFileName() + " differs from connector-configs/");
        }
        String reference = Files.readString(bundle.resolve("doc/config-reference.md"));
        for (String plugin : listedPlugins(bundle).keySet()) {
            assertTrue(reference.contains("`" + plugin + "`"), "doc/config-reference.md does not document " + plugin);
        }
        assertTrue(Files.isRegularFile(bundle.resolve("doc/README.md")));
        assertTrue(Files.isRegularFile(bundle.resolve("doc/LICENSE")));
    }

    @Test
    void pluginsLoadFromTheBundleOnly(SandboxStack stack) throws IOException {
        Map<String, String> listed = listedPlugins(bundle());
        List<BundlePlugins.Found> found = BundlePlugins.verifyIsolated(SharedSandbox.pluginPath(), "service_load");
        assertTrue(found.stream().allMatch(f -> f.loader().equals("PluginClassLoader")), found.toString());
        Set<String> scanned = found.stream().map(BundlePlugins.Found::className).collect(Collectors.toSet());
        Set<String> expected = listed.entrySet().stream().filter(e -> !e.getValue().equals("rest_extension"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertEquals(new TreeSet<>(expected), new TreeSet<>(scanned), "plugins listed in the bundle vs found by Connect");

        // the running workers offer every one of them
        Map<String, String> offered = stack.rest().plugins();
        for (String plugin : expected) {
            assertTrue(offered.containsKey(plugin), "the workers do not offer " + plugin + "; they offer " + offered);
        }
    }

    @Test
    void everyConnectorOfTheBundleHasAConnectorConfig() throws IOException {
        Set<String> configured = ConnectorConfigFile.readAll(SharedSandbox.projectRoot().resolve("connector-configs"))
                .stream().map(ConnectorConfigFile::connectorClass).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        listedPlugins(bundle()).forEach((plugin, type) -> {
            if ((type.equals("source") || type.equals("sink")) && !configured.contains(plugin)) {
                missing.add(plugin);
            }
        });
        assertEquals(List.of(), missing, "connectors of the bundle without an example in connector-configs/");
    }

    @Test
    void connectorConfigsValidateOnRealWorkers(SandboxStack stack) {
        List<ConnectorConfigFile> files = ConnectorConfigFile.readAll(SharedSandbox.projectRoot().resolve("connector-configs"));
        Map<String, List<String>> errors = new TreeMap<>();
        for (ConnectorConfigFile file : files) {
            List<String> e = stack.rest().validate(file);
            if (!e.isEmpty()) {
                errors.put(file.file().getFileName().toString(), e);
            }
        }
        assertEquals(Map.of(), errors, "validation errors per connector-configs file");
    }

    @Test
    void replicatesFromTheInstalledBundle(SandboxStack stack) {
        List<ConnectorConfigFile> files = ConnectorConfigFile.readAll(SharedSandbox.projectRoot().resolve("connector-configs"));
        List<String> log = new ArrayList<>();
        SandboxRun.Result result = SandboxRun.run(stack, files,
                new SandboxRun.Options(12, 7, Duration.ofSeconds(150)), line -> {
                    log.add(line);
                    System.out.println("sandbox: " + line);
                });
        ReplicationCheck.Report report = result.report();
        int total = report.versions() + report.deleteMarkers();
        assertEquals(result.written().versions(), report.versions(), "versions on the source vs versions written");
        assertEquals(1, report.deleteMarkers());
        for (String site : stack.sites().keySet()) {
            assertEquals(total, report.identicalPerSite().get(site), site + ": " + report.problems());
        }
        List<String> problems = new ArrayList<>(report.problems());
        if (!SandboxRun.deploysStatusWriter(files)) {
            // only allowed while the bundle has no status writer at all (everyConnectorOfTheBundleHasAConnectorConfig
            // fails as soon as it has one without a config file)
            assertFalse(stack.rest().plugins().keySet().stream().anyMatch(c -> c.endsWith(".ReplicationStatusSinkConnector")));
            problems.removeIf(p -> p.startsWith("no status writer connector deployed"));
        } else {
            assertEquals(report.versions(), report.sourceCompleted(), "versions COMPLETED on the source");
        }
        assertEquals(List.of(), problems);
    }
}
