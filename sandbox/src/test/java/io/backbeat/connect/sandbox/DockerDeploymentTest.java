package io.backbeat.connect.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.LocalPorts;
import io.backbeat.connect.testbed.LocalProcesses;

/**
 * What can be checked of docker/ without a Docker engine: the files parse, the compose file gives the workers
 * every variable the connector configs and the worker properties use, every host:port they name is a service
 * that listens there, the image is built on the Kafka version we build against with the bundle we build, and
 * the worker properties of the image start a real worker that loads the bundle.
 */
@ExtendWith(SharedSandbox.class)
class DockerDeploymentTest {

    private static final Pattern ENV = ConnectorConfigFile.ENV_PLACEHOLDER;
    private static final Pattern HOST_PORT = Pattern.compile("(?:^|[/,@])([a-z][a-z0-9-]*):(\\d+)");

    private static Path docker() {
        return SharedSandbox.projectRoot().resolve("docker");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws IOException {
        try (Reader in = Files.newBufferedReader(docker().resolve("docker-compose.yml"))) {
            return (Map<String, Object>) new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        return (Map<String, Map<String, Object>>) compose().get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(k.toString(), v == null ? "" : v.toString()));
        }
        return env;
    }

    private static Properties workerProperties() throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(docker().resolve("connect-distributed.properties"))) {
            props.load(in);
        }
        return props;
    }

    private static Set<String> placeholders(Iterable<String> values) {
        Set<String> names = new TreeSet<>();
        for (String v : values) {
            Matcher m = ENV.matcher(v);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void everyConnectWorkerGetsEveryVariableAndEveryAddressIsAService() throws IOException {
        Map<String, Map<String, Object>> services = services();
        for (String name : List.of("kafka-1", "kafka-2", "kafka-3", "connect-1", "connect-2", "connect-3", "mongo-1",
                "mongo-2", "mongo-3", "cloudserver", "redis")) {
            assertTrue(services.containsKey(name), "docker-compose.yml has no service " + name);
        }
        List<ConnectorConfigFile> files = ConnectorConfigFile.readAll(SharedSandbox.projectRoot().resolve("connector-configs"));
        Set<String> needed = new TreeSet<>();
        files.forEach(f -> needed.addAll(f.variables()));
        Properties workerProps = workerProperties();
        needed.addAll(placeholders(workerProps.stringPropertyNames().stream().map(workerProps::getProperty).toList()));

        List<String> workers = services.keySet().stream().filter(s -> s.startsWith("connect-")).toList();
        assertEquals(3, workers.size(), "Connect workers: " + workers);
        Set<String> advertised = new TreeSet<>();
        for (String worker : workers) {
            Map<String, Object> service = services.get(worker);
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            assertNotNull(build, worker + " is not built from docker/Dockerfile");
            assertEquals("docker/Dockerfile", build.get("dockerfile"), worker);
            Map<String, String> env = environment(service);
            Set<String> missing = new TreeSet<>(needed);
            missing.removeAll(env.keySet());
            assertEquals(Set.of(), missing, worker + " lacks variables used by connector-configs/ or the worker");
            advertised.add(env.get("CONNECT_ADVERTISED_HOST"));
            // every host:port a worker is told about is a service of the file that listens on that port
            for (Map.Entry<String, String> e : env.entrySet()) {
                Matcher m = HOST_PORT.matcher(e.getValue());
                while (m.find()) {
                    String host = m.group(1);
                    String port = m.group(2);
                    assertTrue(services.containsKey(host), worker + " " + e.getKey() + " names host " + host
                            + ", which is no service");
                    assertTrue(exposed(services.get(host)).contains(port), worker + " " + e.getKey() + " names "
                            + host + ":" + port + " but " + host + " exposes " + exposed(services.get(host)));
                }
            }
            assertEquals(worker, env.get("CONNECT_ADVERTISED_HOST"), worker + " must advertise its own host name");
        }
        assertEquals(3, advertised.size());
        // one replication factor for every topic the workers create, and it fits the brokers
        long brokers = services.keySet().stream().filter(s -> s.startsWith("kafka-")).count();
        for (String worker : workers) {
            Map<String, String> env = environment(services.get(worker));
            assertTrue(Integer.parseInt(env.get("BACKBEAT_TOPIC_REPLICATION_FACTOR")) <= brokers);
            assertTrue(Integer.parseInt(env.get("CONNECT_REPLICATION_FACTOR")) <= brokers);
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<String> exposed(Map<String, Object> service) {
        Set<String> ports = new TreeSet<>();
        Object expose = service.get("expose");
        if (expose instanceof List<?> list) {
            list.forEach(p -> ports.add(p.toString()));
        }
        return ports;
    }

    @Test
    void theImageIsBuiltOnOurKafkaVersionWithOurBundle() throws IOException {
        String kafka = SharedSandbox.required("kafka.version");
        String version = SharedSandbox.required("project.version");
        List<String> dockerfile = Files.readAllLines(docker().resolve("Dockerfile"));
        assertTrue(dockerfile.contains("ARG KAFKA_VERSION=" + kafka), "Dockerfile must default KAFKA_VERSION to " + kafka);
        assertTrue(dockerfile.contains("FROM apache/kafka:${KAFKA_VERSION}"), "the worker image is apache/kafka");
        assertTrue(dockerfile.contains("ARG BUNDLE_VERSION=" + version), "Dockerfile must default BUNDLE_VERSION to "
                + version);
        assertTrue(dockerfile.contains("COPY bundle/target/backbeat-connect-${BUNDLE_VERSION}.zip /tmp/bundle.zip"));
        Properties worker = workerProperties();
        String pluginPath = worker.getProperty("plugin.path");
        assertTrue(dockerfile.contains("COPY --from=bundle /plugins " + pluginPath),
                "the image must unzip the bundle into the worker's plugin.path " + pluginPath);
        assertTrue(dockerfile.stream().anyMatch(l -> l.startsWith("COPY docker/connect-distributed.properties ")
                && l.endsWith(" /opt/backbeat-connect/connect-distributed.properties")));
        assertTrue(dockerfile.stream().anyMatch(l -> l.startsWith("CMD") && l.contains("connect-distributed.sh")
                && l.contains("/opt/backbeat-connect/connect-distributed.properties")));
        assertEquals("service_load", worker.getProperty("plugin.discovery"));
        assertEquals("org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                worker.getProperty("config.providers.env.class"));

        for (Map.Entry<String, Map<String, Object>> s : services().entrySet()) {
            Object image = s.getValue().get("image");
            assertNotNull(image, "service " + s.getKey() + " has no image");
            assertTrue(image.toString().matches("[a-z0-9./-]+:[A-Za-z0-9._-]+"), s.getKey() + " image " + image
                    + " is not pinned to a tag");
            if (s.getKey().startsWith("kafka-")) {
                assertEquals("apache/kafka:" + kafka, image, s.getKey());
            }
            if (s.getKey().startsWith("connect-")) {
                assertEquals("backbeat-connect-worker:" + version, image, s.getKey());
            }
        }
        assertTrue(services().get("cloudserver").get("image").toString().startsWith("zenko/cloudserver:"));
    }

    @Test
    void cloudServerReplicatesToTheSitesTheConnectorsServe() throws IOException {
        JsonNode overlay = new ObjectMapper().readTree(docker().resolve("cloudserver/config-overlay.json").toFile());
        Set<String> cloudServerSites = new TreeSet<>();
        overlay.path("replicationEndpoints").forEach(e -> cloudServerSites.add(e.path("site").asText()));
        Set<String> connectorSites = new TreeSet<>();
        for (ConnectorConfigFile f : ConnectorConfigFile.readAll(SharedSandbox.projectRoot().resolve("connector-configs"))) {
            if (f.connectorClass().endsWith(".S3ReplicationSinkConnector")) {
                connectorSites.add(f.config().get("site"));
                assertEquals(f.config().get("site"), f.config().get("transforms.pendingForSite.site"),
                        f.file() + ": the filter and the sink must name the same site");
            }
            if (f.connectorClass().endsWith(".MetadataLogSourceConnector")) {
                assertEquals(overlay.path("mongodb").path("database").asText(), f.config().get("mongodb.database"),
                        "the source connector reads CloudServer's metadata database");
            }
        }
        assertEquals(cloudServerSites, connectorSites, "CloudServer's replication sites vs the sites of the sinks");
        Map<String, Map<String, Object>> services = services();
        for (JsonNode endpoint : overlay.path("replicationEndpoints")) {
            for (JsonNode server : endpoint.path("servers")) {
                String[] hostPort = server.asText().split(":");
                assertTrue(services.containsKey(hostPort[0]), "CloudServer site server " + server + " is no service");
                assertTrue(exposed(services.get(hostPort[0])).contains(hostPort[1]), server.asText());
            }
        }
        String hosts = overlay.path("mongodb").path("replicaSetHosts").asText();
        for (String host : hosts.split(",")) {
            assertTrue(services.containsKey(host.split(":")[0]), "MongoDB host " + host + " is no service");
        }
    }

    /** The image's worker properties, with the bundle where the image puts it, start a real worker. */
    @Test
    void theImagesWorkerPropertiesStartAWorkerWithTheBundle(SandboxStack stack) throws Exception {
        Properties worker = workerProperties();
        int port = LocalPorts.free();
        // the only two settings a container fixes outside the file's reach: where the bundle is, and the port
        worker.setProperty("plugin.path", SharedSandbox.pluginPath().toString());
        worker.setProperty("listeners", "http://127.0.0.1:" + port);
        worker.setProperty("rest.advertised.port", Integer.toString(port));
        Path dir = Files.createTempDirectory("docker-worker");
        Path config = dir.resolve("connect-distributed.properties");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            worker.store(out, "docker/connect-distributed.properties for the test bed");
        }
        Map<String, String> env = new HashMap<>();
        env.put("CONNECT_BOOTSTRAP_SERVERS", stack.connect().bootstrapServers());
        env.put("CONNECT_REPLICATION_FACTOR", "1");
        env.put("CONNECT_ADVERTISED_HOST", "127.0.0.1");
        // the ops extension needs a Redis URI to start; it connects lazily
        env.put("BACKBEAT_REDIS_URI", stack.redis().map(r -> r.uri()).orElse("redis://127.0.0.1:1"));
        env.put("BACKBEAT_SOURCE_ENDPOINT", stack.variables().get("BACKBEAT_SOURCE_ENDPOINT"));
        env.put("BACKBEAT_SOURCE_ACCESS_KEY", stack.variables().get("BACKBEAT_SOURCE_ACCESS_KEY"));
        env.put("BACKBEAT_SOURCE_SECRET_KEY", stack.variables().get("BACKBEAT_SOURCE_SECRET_KEY"));

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()));
        Path log = dir.resolve("worker.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            ConnectRest rest = new ConnectRest(URI.create("http://127.0.0.1:" + port + "/"));
            Await.until(Duration.ofSeconds(180), "the worker of docker/connect-distributed.properties to serve REST",
                    () -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("worker exited with " + process.exitValue());
                        }
                        return rest.get("connectors").statusCode() == 200;
                    }, () -> LocalProcesses.tail(log));
            Map<String, String> plugins = rest.plugins();
            for (String plugin : List.of("io.backbeat.connect.source.MetadataLogSourceConnector",
                    "io.backbeat.connect.sink.S3ReplicationSinkConnector", "io.backbeat.connect.smt.ReplicationFilter")) {
                assertTrue(plugins.containsKey(plugin), "the image's worker does not offer " + plugin + ": " + plugins);
            }
            // the ops API of the bundle is mounted (any answer but 404 means the route exists)
            HttpResponse<String> health = rest.get("_/healthcheck");
            assertNotEquals(404, health.statusCode(), "GET /_/healthcheck: " + health.body());
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            LocalProcesses.deleteTree(dir);
        }
    }
}
