package io.backbeat.connect.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.connect.util.clusters.WorkerHandle;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.backbeat.connect.sandbox.ConnectorConfigFile;
import io.backbeat.connect.sandbox.ReplicationCheck;
import io.backbeat.connect.sandbox.ReplicationMonitor;
import io.backbeat.connect.sandbox.ReplicationMonitor.Target;
import io.backbeat.connect.sandbox.SandboxStack;
import io.backbeat.connect.sandbox.SandboxVariables;
import io.backbeat.connect.sandbox.Workload;
import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.ceph.CephRgw;
import io.backbeat.connect.testbed.kafka.WorkerProcess;
import io.backbeat.connect.testbed.s3.S3Endpoint;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * The sandbox stack set up for one benchmark: Kafka, Connect workers with the built bundle, the source site
 * emulator, and ONE destination (site-a: S3Mock, or a real Ceph RADOS Gateway with {@code --destination ceph}).
 * Only the source connector and the site-a replication connector of {@code connector-configs/} are deployed
 * (the baseline copies to one destination too), with the benchmark's overrides.
 */
public final class BenchStack implements AutoCloseable {

    public static final String SOURCE_CONNECTOR = "metadata-log-source";
    public static final String SITE_CONNECTOR = "crr-site-a";
    public static final String SITE = SandboxStack.SITE_A;
    public static final String BUCKET = Workload.SOURCE_BUCKET;
    public static final String DESTINATION_BUCKET = SandboxStack.DESTINATION_BUCKET;
    public static final String BASELINE_BUCKET = "baseline-bucket";

    /**
     * The buckets of one phase: a replicated source bucket, the replica bucket its rule names on the destination,
     * and the bucket the baseline loop copies to on the same destination.
     */
    public record Buckets(String source, String replicas, String baseline) {
    }

    /** What the benchmarks measure. */
    public static final Buckets MEASURED = new Buckets(BUCKET, DESTINATION_BUCKET, BASELINE_BUCKET);
    /**
     * The untimed warm-up's: buckets of their own, so that the measured phases start from empty buckets as before
     * (S3Mock's cost per PUT grows with the number of keys in the bucket).
     */
    public static final Buckets WARM_UP = new Buckets("warm-up", "warm-up-replicas", "warm-up-baseline");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final SandboxStack stack;
    private final CephRgw ceph;
    private final S3Endpoint destination;
    private final String destinationName;
    private final Path root;
    /** The worker JVM every connector runs in, when they were moved out of this one; else null. */
    private WorkerProcess workerJvm;

    private BenchStack(SandboxStack stack, CephRgw ceph, S3Endpoint destination, String destinationName, Path root) {
        this.stack = stack;
        this.ceph = ceph;
        this.destination = destination;
        this.destinationName = destinationName;
        this.root = root;
    }

    /** The class path for a worker JVM: ours, unless we run inside Maven (exec:java). */
    static String workerClassPath() throws IOException {
        String cp = System.getProperty("java.class.path");
        if (cp.contains("plexus-classworlds")) {
            Path bench = projectRoot().resolve("bench/target");
            return bench.resolve("classes") + java.io.File.pathSeparator
                    + Files.readString(bench.resolve("bench.classpath")).trim();
        }
        return cp;
    }

    /**
     * Moves the Connect workers out of this JVM, as they run in production: one worker in a JVM of its own joins
     * (the same worker settings, {@code jvmOptions}), the in-process workers leave, and the connectors are then
     * deployed there. Call before {@link #deploy}. The worker's CPU is accounted by {@link CpuAccount}.
     */
    public WorkerProcess moveWorkersToOwnJvm(List<String> jvmOptions, Consumer<String> say) throws IOException {
        workerJvm = stack.connect().startWorkerProcess(Duration.ofMinutes(3), jvmOptions, workerClassPath());
        for (WorkerHandle h : List.copyOf(stack.connect().embedded().workers())) {
            stack.connect().removeWorker(h);
        }
        CpuAccount.watch(workerJvm.pid());
        say.accept("Connect: one worker in a JVM of its own (pid " + workerJvm.pid() + ", " + String.join(" ",
                jvmOptions) + ", " + workerJvm.url() + "); the in-process workers left");
        return workerJvm;
    }

    /**
     * {@code --workers in-process|own-jvm}: where the Connect workers run. {@code own-jvm}: one worker JVM with a
     * fixed 1 GiB heap and the JVM's default collector and compilers, as a production worker
     * ({@link #moveWorkersToOwnJvm}).
     */
    void placeWorkers(String where, Consumer<String> say) throws IOException {
        switch (where) {
            case "in-process" -> { }
            case "own-jvm" -> moveWorkersToOwnJvm(List.of("-Xms1g", "-Xmx1g"), say);
            default -> throw new IllegalArgumentException("--workers must be in-process or own-jvm, got " + where);
        }
    }

    /** The project root and the plugin path, as run-bench.sh / exec:java set them. */
    static Path projectRoot() {
        return Path.of(System.getProperty("backbeat.sandbox.project.root", ".")).toAbsolutePath().normalize();
    }

    static Path pluginPath() {
        return Path.of(System.getProperty("backbeat.sandbox.plugin.path",
                projectRoot().resolve("sandbox/target/plugins").toString())).toAbsolutePath().normalize();
    }

    /** {@link #start(String, int, boolean, Consumer)} without Redis. */
    public static BenchStack start(String destination, int workers, Consumer<String> say) {
        return start(destination, workers, false, say);
    }

    /**
     * Starts the stack; {@code destination} is {@code s3mock}, {@code ceph} or {@code ceph-https}; with {@code redis}
     * the sink keeps Backbeat's counters in a real Redis, as the shipped site configs do. Nothing is deployed yet.
     */
    public static BenchStack start(String destination, int workers, boolean redis, Consumer<String> say) {
        SandboxStack stack = SandboxStack.start(pluginPath(), workers, redis, say);
        CephRgw ceph = null;
        try {
            S3Endpoint dst;
            String name;
            switch (destination.toLowerCase(Locale.ROOT)) {
                case "s3mock" -> {
                    dst = stack.sites().get(SITE);
                    name = "S3Mock 5.2.3 (in-process)";
                }
                case "ceph" -> {
                    ceph = CephRgw.start();
                    // a gateway of its own has no user yet
                    dst = ceph.createUser(CephRgw.DEFAULT_UID, CephRgw.DEFAULT_ACCESS_KEY, CephRgw.DEFAULT_SECRET_KEY);
                    name = "Ceph RADOS Gateway (Debian radosgw, 1 mon + 1 OSD on loopback)";
                    say.accept("Ceph RGW " + dst.endpoint());
                }
                case "ceph-https" -> {
                    ceph = CephRgw.start(true);
                    S3Endpoint user = ceph.createUser(CephRgw.DEFAULT_UID, CephRgw.DEFAULT_ACCESS_KEY,
                            CephRgw.DEFAULT_SECRET_KEY);
                    dst = new S3Endpoint(ceph.httpsEndpointUri(), user.region(), user.accessKey(), user.secretKey());
                    name = "Ceph RADOS Gateway over TLS (Debian radosgw, 1 mon + 1 OSD on loopback)";
                    say.accept("Ceph RGW " + dst.endpoint());
                }
                default -> throw new IllegalArgumentException("--destination must be s3mock, ceph or ceph-https, got "
                        + destination);
            }
            BenchStack bench = new BenchStack(stack, ceph, dst, name, projectRoot());
            bench.createDestinationBuckets(MEASURED);
            bench.createDestinationBuckets(WARM_UP);
            return bench;
        } catch (RuntimeException | Error e) {
            if (ceph != null) {
                ceph.close();
            }
            stack.close();
            throw e;
        }
    }

    /**
     * Deploys the source connector and the site-a replication connector (destination = this stack's), with the
     * given overrides of the replication connector's config; creates the replicated source bucket and waits until
     * the source connector has pinned its start position.
     */
    public void deploy(Map<String, String> siteOverrides, Consumer<String> say) {
        if (workerJvm != null) {
            deployResolved(siteOverrides, say);
            return;
        }
        Path configs = root.resolve("connector-configs");
        ConnectorConfigFile source = ConnectorConfigFile.read(configs.resolve(SOURCE_CONNECTOR + ".json"));
        ConnectorConfigFile site = ConnectorConfigFile.read(configs.resolve(SITE_CONNECTOR + ".json"));
        ConnectorConfigFile siteFile = write(SITE_CONNECTOR, siteConfig(site.config(), siteOverrides));
        stack.deploy(List.of(source, siteFile), Duration.ofSeconds(180), say);
        Await.until(Duration.ofSeconds(60), "the source connector to commit its first offset",
                () -> !getJson("connectors/" + SOURCE_CONNECTOR + "/offsets").path("offsets").isEmpty(),
                () -> stack.rest().describe(SOURCE_CONNECTOR));
        createSourceBuckets();
        say.accept("deployed " + SOURCE_CONNECTOR + " and " + SITE_CONNECTOR + " -> " + destinationName
                + (siteOverrides.isEmpty() ? "" : " with " + siteOverrides));
    }

    /**
     * Like {@link #deploy} but posts the connectors, with every {@code ${env:...}} resolved, to the worker JVM (it
     * cannot see the sandbox's variables).
     */
    private void deployResolved(Map<String, String> siteOverrides, Consumer<String> say) {
        URI restBase = restBase();
        Path configs = root.resolve("connector-configs");
        for (String name : List.of(SOURCE_CONNECTOR, SITE_CONNECTOR)) {
            ConnectorConfigFile file = ConnectorConfigFile.read(configs.resolve(name + ".json"));
            Map<String, String> config = name.equals(SITE_CONNECTOR)
                    ? siteConfig(file.config(), siteOverrides) : file.config();
            config = new ConnectorConfigFile(file.file(), name, config).resolved(SandboxVariables::lookup);
            try {
                String body = JSON.writeValueAsString(Map.of("name", name, "config", config));
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(restBase.resolve("connectors"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(90))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 != 2) {
                    throw new IllegalStateException("creating " + name + " answered " + r.statusCode() + ": " + r.body());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        Await.until(Duration.ofSeconds(120), "the source connector to commit its first offset", () -> {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(restBase.resolve("connectors/" + SOURCE_CONNECTOR
                    + "/offsets")).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && !JSON.readTree(r.body()).path("offsets").isEmpty();
        });
        createSourceBuckets();
        say.accept("deployed " + SOURCE_CONNECTOR + " and " + SITE_CONNECTOR + " on " + restBase + " -> "
                + destinationName + (siteOverrides.isEmpty() ? "" : " with " + siteOverrides));
    }

    /** The site connector's config pointed at this bench's destination, with {@code overrides} applied. */
    private Map<String, String> siteConfig(Map<String, String> onDisk, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>(onDisk);
        if (ceph != null) {
            // the workers resolve ${env:...} through the sandbox's provider: point site-a's names at Ceph
            SandboxVariables.define(Map.of("BACKBEAT_SITE_A_ENDPOINT", destination.endpoint().toString(),
                    "BACKBEAT_SITE_A_ACCESS_KEY", destination.accessKey(),
                    "BACKBEAT_SITE_A_SECRET_KEY", destination.secretKey()));
            // Ceph RGW Pacific: no trailer checksums, no aws-chunked uploads (on https the payload then goes
            // unsigned, read once; on http it is signed, read twice: docs/replication-sink.md)
            config.put("destination.s3.checksum.calculation", "when_required");
            config.put("destination.s3.chunked.upload", "false");
            if ("https".equals(destination.endpoint().getScheme())) {
                // the test gateway's self-signed certificate
                config.put("destination.s3.tls.trust.all", "true");
            }
        }
        config.putAll(overrides);
        return config;
    }

    private static ConnectorConfigFile write(String name, Map<String, String> config) {
        try {
            Path file = Files.createTempFile("bench-" + name, ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, JSON.writeValueAsString(Map.of("name", name, "config", config)));
            return ConnectorConfigFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sink concurrency: tasks × entries per task (the baseline runs as many copy threads). */
    public static int sinkConcurrency(Map<String, String> overrides) {
        Path configs = projectRoot().resolve("connector-configs");
        Map<String, String> c = new LinkedHashMap<>(ConnectorConfigFile.read(configs.resolve(SITE_CONNECTOR + ".json"))
                .config());
        c.putAll(overrides);
        return Integer.parseInt(c.getOrDefault("tasks.max", "1")) * Integer.parseInt(c.getOrDefault("concurrency", "10"));
    }

    public void pause(String connector) {
        send("PUT", "connectors/" + connector + "/pause");
        Await.until(Duration.ofSeconds(60), connector + " PAUSED", () -> getJson("connectors/" + connector + "/status")
                .path("connector").path("state").asText().equals("PAUSED"));
    }

    public void resume(String connector) {
        send("PUT", "connectors/" + connector + "/resume");
    }

    private com.fasterxml.jackson.databind.JsonNode getJson(String path) {
        try {
            return JSON.readTree(send("GET", path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The REST API of the workers: the worker JVM's once they moved there, else the in-process cluster's. */
    private URI restBase() {
        return workerJvm != null ? workerJvm.url() : stack.rest().base();
    }

    private String send(String method, String path) {
        URI uri = restBase().resolve(path);
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + uri + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The buckets of measured round {@code round}: {@link #MEASURED} for the first, new ones (created here, on both
     * sides) for the others, so that every round starts from empty buckets.
     */
    public Buckets round(int round) {
        if (round == 1) {
            return MEASURED;
        }
        return created(new Buckets(BUCKET + "-" + round, DESTINATION_BUCKET + "-" + round,
                BASELINE_BUCKET + "-" + round));
    }

    /**
     * The buckets of warm-up round {@code round}: {@link #WARM_UP} for the first, new ones for the others (a long
     * warm-up in one bucket would slow down as S3Mock's bucket fills).
     */
    public Buckets warmUp(int round) {
        if (round == 1) {
            return WARM_UP;
        }
        String name = WARM_UP.source() + "-" + round;
        return created(new Buckets(name, name + "-replicas", name + "-baseline"));
    }

    /** Creates a phase's buckets: the replicated source bucket and the destination's. */
    private Buckets created(Buckets b) {
        createDestinationBuckets(b);
        try (S3Client src = stack.newSourceClient()) {
            Workload.createBucket(src, b.source(), b.replicas(), List.of(SITE));
        }
        return b;
    }

    /** A phase's replica and baseline buckets on the destination, versioned. */
    private void createDestinationBuckets(Buckets buckets) {
        try (S3Client s3 = destination.newClient()) {
            for (String bucket : List.of(buckets.replicas(), buckets.baseline())) {
                try {
                    s3.createBucket(b -> b.bucket(bucket));
                } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                    if (e.statusCode() != 409) {
                        throw e;
                    }
                }
                s3.putBucketVersioning(b -> b.bucket(bucket)
                        .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            }
        }
    }

    /** The replicated source buckets of the measured phase and of the warm-up. */
    private void createSourceBuckets() {
        try (S3Client src = stack.newSourceClient()) {
            for (Buckets b : List.of(MEASURED, WARM_UP)) {
                Workload.createBucket(src, b.source(), b.replicas(), List.of(SITE));
            }
        }
    }

    /** Every version of the measured source bucket. */
    public List<ReplicationCheck.SourceVersion> sourceVersions() {
        return sourceVersions(MEASURED);
    }

    /** Every version of a phase's source bucket. */
    public List<ReplicationCheck.SourceVersion> sourceVersions(Buckets buckets) {
        try (S3Client src = stack.newSourceClient()) {
            return new ReplicationCheck(src, buckets.source(), Map.of(), buckets.replicas(), null).sourceVersions();
        }
    }

    public static List<Target> targets(List<ReplicationCheck.SourceVersion> versions) {
        return targets(MEASURED, versions);
    }

    /** The versions of a phase's source bucket as replication targets at site-a. */
    public static List<Target> targets(Buckets buckets, List<ReplicationCheck.SourceVersion> versions) {
        List<Target> out = new ArrayList<>();
        versions.forEach(v -> out.add(new Target(buckets.source(), v.key(), v.versionId(), SITE)));
        return out;
    }

    /** A monitor of the status topic that sees each event on arrival (latency measurements). */
    public ReplicationMonitor monitor() {
        return new ReplicationMonitor(stack.connect().bootstrapServers(), SandboxStack.STATUS_TOPIC);
    }

    /** A monitor of the status topic that reads in batches, up to {@code lateness} after arrival. */
    public ReplicationMonitor monitor(Duration lateness) {
        return new ReplicationMonitor(stack.connect().bootstrapServers(), SandboxStack.STATUS_TOPIC, lateness);
    }

    public SandboxStack sandbox() {
        return stack;
    }

    public S3Endpoint destination() {
        return destination;
    }

    public String destinationName() {
        return destinationName;
    }

    public S3Endpoint sourceEndpoint() {
        var a = stack.sourceAccount();
        return new S3Endpoint(stack.source().endpoint(), "us-east-1", a.accessKey(), a.secretKey());
    }

    @Override
    public void close() {
        stack.close();
        if (ceph != null) {
            ceph.close();
        }
    }

    // ---- program plumbing shared by the benchmarks ----

    /** Parses {@code --name value} pairs (mvn exec passes all arguments as one string: split it). */
    static Map<String, String> args(String[] raw, Map<String, String> defaults) {
        List<String> args = new ArrayList<>();
        for (String a : raw) {
            for (String s : a.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    args.add(s);
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>(defaults);
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (!name.startsWith("--") || !defaults.containsKey(name.substring(2))) {
                throw new IllegalArgumentException("unknown argument '" + name + "'; known: " + defaults.keySet());
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            out.put(name.substring(2), args.get(i + 1));
        }
        return out;
    }

    /** The console line printer; Kafka's chatter on stdout goes to the log file instead. */
    static Consumer<String> console() {
        PrintStream out = System.out;
        String log = System.getProperty("backbeat.bench.log");
        if (log != null) {
            try {
                Files.createDirectories(Path.of(log).getParent());
                PrintStream quiet = new PrintStream(new FileOutputStream(log + ".out"), true, StandardCharsets.UTF_8);
                System.setOut(quiet);
                System.setErr(quiet);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long t0 = System.nanoTime();
        return line -> out.printf("%7.1fs  %s%n", (System.nanoTime() - t0) / 1e9, line);
    }

    /** {@code key=value,key=value} (the {@code --site-config} argument): overrides of the site connector's config. */
    static Map<String, String> overrides(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--site-config wants key=value[,key=value...], got '" + pair + "'");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /** One line about the machine and its load, for the record. */
    static String machine() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format("machine: %d cores, %s %s, Java %s, load average %.1f", Runtime.getRuntime()
                .availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), load);
    }
}
