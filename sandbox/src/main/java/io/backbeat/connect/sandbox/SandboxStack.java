package io.backbeat.connect.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import io.backbeat.connect.sandbox.sourcesite.Account;
import io.backbeat.connect.sandbox.sourcesite.SourceSite;
import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.LocalProcesses;
import io.backbeat.connect.testbed.kafka.ConnectCluster;
import io.backbeat.connect.testbed.mongo.MongoStandIn;
import io.backbeat.connect.testbed.redis.RedisServer;
import io.backbeat.connect.testbed.s3.S3Endpoint;
import io.backbeat.connect.testbed.s3.S3TestServer;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * Everything the sandbox runs, in this process and on loopback: a KRaft broker with distributed Connect workers
 * whose {@code plugin.path} holds the unzipped bundle, the MongoDB stand-in, the source site emulator
 * (CloudServer-compatible, writing the stand-in), two destination S3 sites (one S3Mock each) and Redis when
 * {@code redis-server} is installed. The integration tests use the same stack.
 *
 * <p>The {@code ${env:NAME}} placeholders of {@code connector-configs/} resolve to these endpoints
 * ({@link #variables()}, served to the workers by {@link SandboxVariables}).
 */
public final class SandboxStack implements AutoCloseable {

    public static final String SITE_A = "site-a";
    public static final String SITE_B = "site-b";
    /** Destination bucket on both sites (the replication rule's {@code arn:aws:s3:::replica-bucket}). */
    public static final String DESTINATION_BUCKET = "replica-bucket";
    public static final String METADATA_LOG_TOPIC = "backbeat-metadata-log";
    public static final String STATUS_TOPIC = "backbeat-replication-status";
    public static final String OPS_EXTENSION = "io.backbeat.connect.ops.BackbeatOpsRestExtension";
    public static final String REPLICATION_CONNECTOR = "io.backbeat.connect.sink.S3ReplicationSinkConnector";

    private final Deque<AutoCloseable> started = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final Path pluginPath;
    private MongoStandIn mongo;
    private SourceSite source;
    private final Map<String, S3TestServer> sites = new LinkedHashMap<>();
    private RedisServer redis;
    private ConnectCluster connect;
    private ConnectRest rest;
    private CompletableFuture<Void> s3Start = CompletableFuture.completedFuture(null);

    private SandboxStack(Path pluginPath) {
        this.pluginPath = pluginPath;
    }

    /**
     * Starts the stack.
     *
     * @param pluginPath the directory holding the unzipped bundle (the workers' {@code plugin.path})
     * @param workers    number of distributed Connect workers
     * @param useRedis   start redis-server when it is installed (false: never)
     * @param say        receives one line per step, for the person watching
     */
    public static SandboxStack start(Path pluginPath, int workers, boolean useRedis, Consumer<String> say) {
        SandboxStack stack = new SandboxStack(pluginPath);
        try {
            stack.startAll(workers, useRedis, say);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(int workers, boolean useRedis, Consumer<String> say) {
        long t0 = System.nanoTime();
        List<BundlePlugins.Found> found = BundlePlugins.verifyIsolated(pluginPath,
                ConnectCluster.DEFAULT_WORKER_PROPS.get("plugin.discovery"));
        say.accept("bundle " + BundlePlugins.bundleDirectory(pluginPath).getFileName() + ": " + found.size()
                + " plugins, each in its own PluginClassLoader (not on the sandbox class path)");
        for (BundlePlugins.Found f : found) {
            say.accept("    " + f.type() + " " + f.className() + " " + f.version() + " <- " + f.loader() + " "
                    + f.location());
        }

        // S3Mock (Spring Boot) is the slowest piece: start both sites in the background meanwhile
        CompletableFuture<Void> s3 = CompletableFuture.runAsync(() -> {
            for (String site : List.of(SITE_A, SITE_B)) {
                S3TestServer server = S3TestServer.start(DESTINATION_BUCKET);
                synchronized (sites) {
                    sites.put(site, server);
                    started.push(server);
                }
            }
        });

        s3Start = s3;
        mongo = MongoStandIn.launch();
        started.push(mongo);
        source = SourceSite.builder().mongoUri(mongo.connectionString()).site(SITE_A).site(SITE_B).build().start();
        started.push(source);
        say.accept("MongoDB stand-in " + mongo.connectionString() + "; source site (CloudServer emulator) "
                + source.endpoint());

        if (useRedis && LocalProcesses.onPath("redis-server").isPresent()) {
            redis = RedisServer.start();
            started.push(redis);
            say.accept("Redis " + redis.uri() + " (failed entries, ops API)");
        } else {
            say.accept(useRedis
                    ? "Redis: redis-server is NOT installed; failed entries are not recorded and the ops API "
                            + "(/_/crr/...) is off. Install it (apt-get install redis-server) to get both."
                    : "Redis: off (not requested)");
        }

        Account account = source.accounts().get(0);
        ConnectCluster.Builder builder = ConnectCluster.builder().name("sandbox").workers(workers)
                .pluginPath(pluginPath)
                .workerProp("config.providers", "env")
                .workerProp("config.providers.env.class", SandboxVariables.class.getName());
        if (redis != null) {
            builder.workerProp("rest.extension.classes", OPS_EXTENSION)
                    .workerProp("backbeat.ops.redis.uri", redis.uri())
                    .workerProp("backbeat.ops.site.connector.classes", REPLICATION_CONNECTOR)
                    .workerProp("backbeat.ops.source.s3.endpoint", source.endpoint().toString())
                    .workerProp("backbeat.ops.source.s3.access.key.id", account.accessKey())
                    .workerProp("backbeat.ops.source.s3.secret.access.key", account.secretKey());
        }
        connect = builder.start();
        started.push(connect);
        rest = new ConnectRest(connect.restUrl());
        say.accept("Kafka (KRaft) " + connect.bootstrapServers() + "; " + workers + " Connect workers "
                + connect.workerIds() + ", plugin.path=" + pluginPath);

        try {
            s3.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("a destination S3 site did not start: " + e.getCause().getMessage(),
                    e.getCause());
        }
        sites.forEach((site, server) -> say.accept("destination " + site + ": S3Mock " + server.endpoint().endpoint()
                + ", versioned bucket " + DESTINATION_BUCKET));

        variables.put("BACKBEAT_MONGODB_URI", mongo.connectionString());
        variables.put("BACKBEAT_KAFKA_BOOTSTRAP_SERVERS", connect.bootstrapServers());
        variables.put("BACKBEAT_TOPIC_REPLICATION_FACTOR", "1");
        variables.put("BACKBEAT_SOURCE_ENDPOINT", source.endpoint().toString());
        variables.put("BACKBEAT_SOURCE_ACCESS_KEY", account.accessKey());
        variables.put("BACKBEAT_SOURCE_SECRET_KEY", account.secretKey());
        sites.forEach((site, server) -> {
            String prefix = "BACKBEAT_" + site.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_";
            S3Endpoint e = server.endpoint();
            variables.put(prefix + "ENDPOINT", e.endpoint().toString());
            variables.put(prefix + "ACCESS_KEY", e.accessKey());
            variables.put(prefix + "SECRET_KEY", e.secretKey());
        });
        variables.put("BACKBEAT_REDIS_URI", redis == null ? "" : redis.uri());
        Runnable restoreVariables = SandboxVariables.define(variables);
        started.push(restoreVariables::run);

        createTopics();
        say.accept(String.format("stack up in %.1f s", (System.nanoTime() - t0) / 1e9));
    }

    /** The log and status topics, with a few partitions (objects spread over sink tasks). */
    private void createTopics() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", connect.bootstrapServers()))) {
            for (NewTopic topic : List.of(new NewTopic(METADATA_LOG_TOPIC, 8, (short) 1),
                    new NewTopic(STATUS_TOPIC, 4, (short) 1))) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause(), e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /**
     * Validates every file (zero errors, or it throws naming them) before creating any, creates the connectors, waits until they and
     * their tasks run, and until each source connector has committed its first offset.
     */
    public void deploy(List<ConnectorConfigFile> files, Duration timeout, Consumer<String> say) {
        for (ConnectorConfigFile file : files) {
            List<String> errors = rest.validate(file);
            if (!errors.isEmpty()) {
                throw new IllegalStateException(file.file().getFileName() + " (" + file.connectorClass()
                        + ") does not validate: " + errors);
            }
        }
        for (ConnectorConfigFile file : files) {
            rest.create(file);
            say.accept("PUT " + file.file().getFileName() + " -> connector " + file.name() + " ("
                    + file.connectorClass() + ")");
        }
        for (ConnectorConfigFile file : files) {
            Await.until(timeout, "connector " + file.name() + " and its tasks RUNNING", () -> rest.running(file.name()),
                    () -> rest.describe(file.name()));
        }
        for (ConnectorConfigFile file : files) {
            if (file.connectorClass().endsWith(".MetadataLogSourceConnector")) {
                // startup.mode=latest: a write is journaled only once the stream has pinned its start (first offset)
                Await.until(timeout, "the source connector " + file.name() + " to commit its first offset",
                        () -> rest.send("GET", "connectors/" + file.name() + "/offsets", null).path("offsets")
                                .size() > 0, () -> rest.describe(file.name()));
            }
        }
    }

    /** Deletes every connector: connectors another test left behind would act on the next test's buckets too. */
    public void deleteAllConnectors() {
        for (com.fasterxml.jackson.databind.JsonNode name : rest.send("GET", "connectors", null)) {
            rest.send("DELETE", "connectors/" + name.asText(), null);
        }
    }

    public Map<String, String> variables() {
        return Map.copyOf(variables);
    }

    public ConnectCluster connect() {
        return connect;
    }

    /** The REST API of a running worker (a test may have removed the one used so far). */
    public synchronized ConnectRest rest() {
        java.net.URI base = rest.base();
        boolean alive = connect.workers().stream().anyMatch(w -> (w.url() + "/").replaceAll("/+$", "/")
                .equals(base.toString()));
        if (!alive) {
            rest = new ConnectRest(connect.restUrl());
        }
        return rest;
    }

    public SourceSite source() {
        return source;
    }

    public Account sourceAccount() {
        return source.accounts().get(0);
    }

    public MongoStandIn mongo() {
        return mongo;
    }

    public Optional<RedisServer> redis() {
        return Optional.ofNullable(redis);
    }

    /** Destination site name → its S3 endpoint. */
    public Map<String, S3Endpoint> sites() {
        Map<String, S3Endpoint> out = new LinkedHashMap<>();
        sites.forEach((k, v) -> out.put(k, v.endpoint()));
        return out;
    }

    /** A client of the source site, signed with its account; the caller closes it. */
    public S3Client newSourceClient() {
        Account a = sourceAccount();
        return new S3Endpoint(source.endpoint(), "us-east-1", a.accessKey(), a.secretKey()).newClient();
    }

    public Path pluginPath() {
        return pluginPath;
    }

    /** Stops everything it started, last started first; never throws. */
    @Override
    public void close() {
        try {
            // an S3 site still starting in the background must not outlive the stack
            s3Start.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // it failed or hangs: what did start is in 'started' and is stopped below
        }
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("sandbox: stopping " + c + " failed: " + e);
            }
        }
    }
}
