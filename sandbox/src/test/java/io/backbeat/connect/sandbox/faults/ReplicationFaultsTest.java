package io.backbeat.connect.sandbox.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sandbox.ConnectorConfigFile;
import io.backbeat.connect.sandbox.ReplicationCheck;
import io.backbeat.connect.sandbox.ReplicationMonitor;
import io.backbeat.connect.sandbox.ReplicationMonitor.Target;
import io.backbeat.connect.sandbox.SandboxStack;
import io.backbeat.connect.sandbox.SandboxVariables;
import io.backbeat.connect.sandbox.Workload;
import io.backbeat.connect.testbed.Await;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Fault injection on the whole stack (real broker, distributed workers, the bundle on plugin.path, source site,
 * two S3Mock sites): while objects replicate to both sites, one fault at a time; afterwards every version is
 * COMPLETED for both sites, byte-identical there, and the duplicate copies are counted and printed. Then bad
 * input, invalid connector configs, and secrets (logs, task traces, REST output).
 *
 * <p>Size: {@code -Dbackbeat.faults.objects=N} objects per fault (default 30: the suite stays within ~4 minutes);
 * the full run is {@code -Dbackbeat.faults.objects=2000 -Dbackbeat.faults.outage.seconds=30} (docs/fault-injection.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the 2,000-object run; every wait inside is bounded far below
class ReplicationFaultsTest {

    static final int OBJECTS = Integer.getInteger("backbeat.faults.objects", 30);
    static final int OUTAGE_SECONDS = Integer.getInteger("backbeat.faults.outage.seconds", 15);
    static final Duration REPLICATION_BOUND = Duration.ofSeconds(Math.max(150, OBJECTS / 4));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
    private static final String PROBE_MONGO_PASSWORD = "Pr0be-M0ngo-Passw0rd";
    private static final String SOURCE_TASK = "metadata-log-source-0";
    /** Joins of an extra worker until one gets the source task; the last one is killed whatever it runs. */
    private static final int SOURCE_PLACEMENT_ATTEMPTS = 5;

    static LogCapture logs;
    static SandboxStack stack;
    static DestinationProxy siteAProxy;
    static ReplicationMonitor monitor;
    static S3Client source;
    static final Map<String, S3Client> sites = new LinkedHashMap<>();
    static boolean statusWriter;
    static final List<String> summary = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 15, unit = TimeUnit.MINUTES) // the stack starts in ~1 min, far longer on a loaded machine
    static void startStack() throws IOException {
        logs = LogCapture.attach();
        Path root = Path.of(System.getProperty("backbeat.sandbox.project.root", "..")).toAbsolutePath().normalize();
        Path pluginPath = Path.of(System.getProperty("backbeat.sandbox.plugin.path", "target/plugins"));
        stack = SandboxStack.start(pluginPath, 2, false, line -> System.out.println("[stack] " + line));
        // site-a is reached through a proxy the test can switch off: the "destination down" fault
        siteAProxy = new DestinationProxy(stack.sites().get(SandboxStack.SITE_A).endpoint());
        SandboxVariables.define(Map.of("BACKBEAT_SITE_A_ENDPOINT", siteAProxy.endpoint().toString()));

        List<ConnectorConfigFile> files = new ArrayList<>();
        for (ConnectorConfigFile file : ConnectorConfigFile.readAll(root.resolve("connector-configs"))) {
            // the replication path only: the journal, the site copies, the status write-back
            if (!file.connectorClass().matches(".*\\.(MetadataLogSourceConnector|S3ReplicationSinkConnector"
                    + "|ReplicationStatusSinkConnector)")) {
                continue;
            }
            if (file.connectorClass().endsWith(".S3ReplicationSinkConnector")) {
                // ride out the outage by retrying (the default budget, ~13 s, would mark entries FAILED)
                Map<String, String> config = new LinkedHashMap<>(file.config());
                config.put("retry.max.retries", "40");
                config.put("retry.backoff.max.ms", "3000");
                config.put("retry.timeout.ms", "600000");
                // every 25th object (6 MiB) is copied as a two-part upload (5 MiB parts, S3's smallest)
                config.put("multipart.threshold.bytes", Long.toString(5 * 1024 * 1024));
                config.put("multipart.part.size.bytes", Long.toString(5 * 1024 * 1024));
                file = writeConfig(file.name(), config);
            }
            files.add(file);
        }
        statusWriter = files.stream().anyMatch(f -> f.connectorClass().endsWith(".ReplicationStatusSinkConnector"));
        stack.deploy(files, Duration.ofSeconds(120), line -> System.out.println("[stack] " + line));
        Await.until(Duration.ofSeconds(60), "the source connector to commit its first offset",
                () -> offsets("metadata-log-source") > 0, () -> stack.rest().describe("metadata-log-source"));
        monitor = new ReplicationMonitor(stack.connect().bootstrapServers(), SandboxStack.STATUS_TOPIC);
        source = stack.newSourceClient();
        stack.sites().forEach((site, endpoint) -> sites.put(site, endpoint.newClient()));
    }

    @AfterAll
    static void stopStack() throws Exception {
        summary.forEach(line -> System.out.println("[faults] " + line));
        if (monitor != null) {
            monitor.close();
        }
        sites.values().forEach(S3Client::close);
        if (source != null) {
            source.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (siteAProxy != null) {
            siteAProxy.close();
        }
        if (logs != null) {
            logs.writeTo(Path.of("target", "faults.log"));
            System.out.println("[faults] log: target/faults.log (" + logs.size() + " lines)");
            logs.detach();
        }
    }

    // ---- faults while replicating ----

    @Test
    @Order(1)
    void sinkTaskRestarted() {
        replicateThrough("task-restart", () -> {
            // site-a: the connector and all its tasks; site-b: one task
            rest("POST", "connectors/crr-site-a/restart?includeTasks=true&onlyFailed=false", null);
            rest("POST", "connectors/crr-site-b/tasks/0/restart", null);
        });
    }

    @Test
    @Order(2)
    void workerKilled() {
        Map<String, String> environment = new LinkedHashMap<>(stack.variables());
        environment.put("BACKBEAT_SITE_A_ENDPOINT", siteAProxy.endpoint().toString());
        // The worker that dies should run the source task: its replays (the changes after its last committed
        // offset, journaled again by the next task) are what the sinks must not copy twice. Which tasks a joining
        // worker gets is the rebalance's choice, so a worker without it leaves cleanly and another one joins.
        EnvWorker worker = null;
        List<String> tasks = List.of();
        try {
            for (int attempt = 1; attempt <= SOURCE_PLACEMENT_ATTEMPTS; attempt++) {
                worker = EnvWorker.start(stack.connect().workerProps(), environment, Duration.ofSeconds(120));
                tasks = settledTasksOn(worker.workerId());
                if (tasks.contains(SOURCE_TASK) || attempt == SOURCE_PLACEMENT_ATTEMPTS) {
                    break;
                }
                String left = worker.workerId();
                worker.stop();
                Await.until(Duration.ofSeconds(90), "the tasks of " + left + " running elsewhere",
                        () -> allTasksRunningOffWorker(left), () -> stack.rest().describe("metadata-log-source"));
            }
            EnvWorker doomed = worker;
            String killed = "worker-killed: SIGKILL of worker " + worker.workerId() + " running " + tasks;
            replicateThrough("worker-killed", () -> {
                doomed.kill();
                summary.add(killed);
            });
        } finally {
            if (worker != null) {
                worker.kill();
            }
        }
    }

    @Test
    @Order(3)
    void brokerRestarted() {
        replicateThrough("broker-restart", () -> {
            stack.connect().kafka().stopOnlyBrokers();
            sleep(3000);
            stack.connect().kafka().restartOnlyBrokers();
        });
    }

    @Test
    @Order(4)
    void destinationDown() {
        replicateThrough("destination-down", () -> {
            try {
                siteAProxy.down();
                sleep(OUTAGE_SECONDS * 1000L);
                siteAProxy.up();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    @Order(5)
    void mongoRestarted() {
        replicateThrough("mongo-restart", () -> stack.mongo().restart());
    }

    // ---- bad input ----

    @Test
    @Order(10)
    void awkwardObjectsReplicateIdentically() {
        String bucket = "faults-awkward";
        Workload.createBucket(source, bucket, SandboxStack.DESTINATION_BUCKET, List.copyOf(sites.keySet()));
        String longKey = "long/" + "k".repeat(1024 - 5);
        assertEquals(1024, longKey.getBytes(StandardCharsets.UTF_8).length);
        List<String> keys = List.of(longKey, "unicode/données-été-日本語-😀.txt", "special/100% sure+plus space?q=1#frag",
                "special/a+b=c&d", "empty/zero-bytes");
        for (String key : keys) {
            byte[] data = key.startsWith("empty/") ? new byte[0] : bytes("content of " + key);
            source.putObject(b -> b.bucket(bucket).key(key).tagging(key.startsWith("unicode/") ? "price=1.5&a.b=c.d"
                    : null), RequestBody.fromBytes(data));
        }
        awaitAndCheck(bucket, "awkward objects (1,024-byte key, Unicode, %+ ?#&=, empty, tags with .; $ is no valid S3 tag character)");
    }

    @Test
    @Order(9)
    void hundredUserMetadataEntriesReplicate() {
        String bucket = "faults-user-metadata";
        Workload.createBucket(source, bucket, SandboxStack.DESTINATION_BUCKET, List.copyOf(sites.keySet()));
        // 100 entries (within AWS's 2 KB of user metadata): with the signing headers the replica PUT carries ~117
        // headers, and the GET of the source answers as many (S3TestServer raises S3Mock's Tomcat limit of 100)
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            entries.put(String.format("m%02d", i), "v" + i);
        }
        source.putObject(b -> b.bucket(bucket).key("metadata/hundred").metadata(entries),
                RequestBody.fromBytes(bytes("100 user metadata entries")));
        awaitAndCheck(bucket, "an object with 100 user metadata entries");
    }

    @Test
    @Order(11)
    void malformedMetadataDocumentsDoNotStopReplication() {
        String bucket = "faults-malformed";
        Workload.createBucket(source, bucket, SandboxStack.DESTINATION_BUCKET, List.copyOf(sites.keySet()));
        // bytes, not fromString: S3Mock stores "text/plain; charset=UTF-8" as "text/plain;charset=UTF-8"
        source.putObject(b -> b.bucket(bucket).key("before"), RequestBody.fromBytes(bytes("before")));
        // documents CloudServer would never write, straight into the bucket's collection
        try (MongoClient mongo = MongoClients.create(stack.mongo().connectionString())) {
            var collection = mongo.getDatabase("metadata").getCollection(bucket);
            collection.insertOne(new Document("_id", "broken/value-is-a-string").append("value", "not an object"));
            collection.insertOne(new Document("_id", "broken/replication-info\u000098000000000000999999RG001  0.0.0")
                    .append("value", new Document("key", "broken/replication-info").append("replicationInfo", "oops")
                            .append("content-length", "many")));
            collection.insertOne(new Document("_id", "broken/no-value"));
        }
        source.putObject(b -> b.bucket(bucket).key("after"), RequestBody.fromBytes(bytes("after")));
        awaitAndCheck(bucket, "objects around malformed documents");
        for (String connector : List.of("metadata-log-source", "crr-site-a", "crr-site-b")) {
            assertTrue(stack.rest().running(connector), "after malformed documents: " + stack.rest().describe(connector));
        }
        List<String> named = logs.containing("broken/");
        summary.add("malformed documents: replication went on; " + named.size() + " log lines name the bad documents"
                + (named.isEmpty() ? "" : ", e.g. " + named.get(0).lines().findFirst().orElse("")));
    }

    @Test
    @Order(12)
    void bucketDeletedWhileReplicating() {
        String bucket = "faults-deleted-bucket";
        Workload.createBucket(source, bucket, SandboxStack.DESTINATION_BUCKET, List.copyOf(sites.keySet()));
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String key = "doomed/obj-" + i;
            String v = source.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes("doomed " + key)))
                    .versionId();
            sites.keySet().forEach(site -> targets.add(new Target(bucket, key, v, site)));
        }
        for (ObjectVersion v : source.listObjectVersions(b -> b.bucket(bucket)).versions()) {
            source.deleteObject(b -> b.bucket(bucket).key(v.key()).versionId(v.versionId()));
        }
        // the source site emulator has no DeleteBucket: do what CloudServer's ends with, in MongoDB (the bucket's
        // collection dropped, its __metastore entry removed)
        try (MongoClient mongo = MongoClients.create(stack.mongo().connectionString())) {
            var db = mongo.getDatabase("metadata");
            db.getCollection(bucket).drop();
            db.getCollection("__metastore").deleteOne(new Document("_id", bucket));
        }
        // every entry ends, COMPLETED (copied before the delete) or FAILED with a reason; none hangs
        Await.until(REPLICATION_BOUND, "a final status for every version of the deleted bucket",
                () -> targets.stream().allMatch(t -> monitor.terminal(t).isPresent()),
                () -> targets.stream().filter(t -> monitor.terminal(t).isEmpty()).count() + " without a final status");
        long failed = targets.stream().filter(t -> monitor.terminal(t).orElseThrow().status()
                == ReplicationStatus.FAILED).count();
        for (Target t : targets) {
            StatusEvent e = monitor.terminal(t).orElseThrow();
            if (e.status() == ReplicationStatus.FAILED) {
                assertNotNull(e.reason(), "a FAILED status names its reason: " + e);
            }
        }
        summary.add("bucket deleted while replicating: " + targets.size() + " targets, " + failed + " FAILED with "
                + "reasons " + targets.stream().flatMap(t -> monitor.terminal(t).stream()).filter(e -> e.reason() != null)
                        .map(StatusEvent::reason).distinct().toList() + ", the rest COMPLETED");
        // and the connectors carry on
        awkwardFollowUp();
    }

    private void awkwardFollowUp() {
        String bucket = "faults-after-delete";
        Workload.createBucket(source, bucket, SandboxStack.DESTINATION_BUCKET, List.copyOf(sites.keySet()));
        source.putObject(b -> b.bucket(bucket).key("still-replicating"), RequestBody.fromBytes(bytes("yes")));
        awaitAndCheck(bucket, "a bucket written after the deleted one");
    }

    @Test
    @Order(13)
    void invalidConnectorConfigsNameTheKeyAndTheReason() {
        Path root = Path.of(System.getProperty("backbeat.sandbox.project.root", "..")).toAbsolutePath().normalize();
        ConnectorConfigFile crr = ConnectorConfigFile.read(root.resolve("connector-configs/crr-site-a.json"));
        ConnectorConfigFile src = ConnectorConfigFile.read(root.resolve("connector-configs/metadata-log-source.json"));
        expectInvalid(crr, Map.of("concurrency", "0"), "concurrency");
        expectInvalid(crr, Map.of("multipart.part.concurrency", "lots"), "multipart.part.concurrency");
        expectInvalid(crr, Map.of("source.metadata.reader", "carrier-pigeon"), "source.metadata.reader");
        expectInvalid(without(crr, "site"), Map.of(), "site");
        expectInvalid(src, Map.of("mongodb.connection.uri", "not a uri"), "mongodb.connection.uri");
        expectInvalid(src, Map.of("startup.mode", "yesterday"), "startup.mode");
    }

    // ---- secrets ----

    @Test
    @Order(20)
    void secretsStayOutOfLogsTracesAndRestOutput() throws Exception {
        // a source connector whose MongoDB URI carries a password; the stand-in cannot authenticate it
        Map<String, String> probe = new LinkedHashMap<>(ConnectorConfigFile.read(Path.of(System.getProperty(
                "backbeat.sandbox.project.root", "..")).resolve("connector-configs/metadata-log-source.json"))
                .resolved(SandboxVariables::lookup));
        probe.put("mongodb.connection.uri", "mongodb://probe:" + PROBE_MONGO_PASSWORD + "@" + stack.mongo().hostAndPort()
                + "/?replicaSet=" + stack.mongo().replicaSetName() + "&serverSelectionTimeoutMS=2000");
        probe.put("topic", "faults-probe-log");
        probe.put("offset.partition.name", "faults-probe");
        String validation = rest("PUT", "connector-plugins/" + probe.get("connector.class")
                + "/config/validate", JSON.writeValueAsString(withName(probe, "secret-probe"))).toString();
        String created;
        boolean probeExists;
        try {
            created = rest("PUT", "connectors/secret-probe/config", JSON.writeValueAsString(probe)).toString();
            probeExists = true;
            sleep(5000); // let it try to connect and fail
        } catch (IllegalStateException e) {
            created = e.getMessage(); // refused: validation tried the credentials and said why
            probeExists = false;
        }

        List<String> secrets = new ArrayList<>();
        secrets.add(PROBE_MONGO_PASSWORD);
        secrets.add(stack.sourceAccount().accessKey());
        secrets.add(stack.sourceAccount().secretKey());
        stack.sites().values().forEach(e -> {
            secrets.add(e.accessKey());
            secrets.add(e.secretKey());
        });
        StringBuilder rest = new StringBuilder(validation).append(created);
        List<String> connectors = new ArrayList<>(List.of("metadata-log-source", "crr-site-a", "crr-site-b"));
        if (probeExists) {
            connectors.add("secret-probe");
        }
        if (statusWriter) {
            connectors.add("replication-status");
        }
        for (String connector : connectors) {
            rest.append(rest("GET", "connectors/" + connector, null));
            rest.append(rest("GET", "connectors/" + connector + "/status", null));
            rest.append(rest("GET", "connectors/" + connector + "/tasks", null));
        }
        rest.append(rest("GET", "connectors?expand=info&expand=status", null));
        List<String> leaks = new ArrayList<>();
        for (String secret : secrets) {
            if (rest.indexOf(secret) >= 0) {
                leaks.add("REST output contains the secret " + mask(secret));
            }
            for (String line : logs.containing(secret)) {
                leaks.add("log line contains the secret " + mask(secret) + ": " + line.replace(secret, "<SECRET>"));
            }
        }
        if (probeExists) {
            stack.connect().deleteConnector("secret-probe");
        }
        summary.add("secrets: " + secrets.size() + " secret values looked for in " + logs.size() + " log lines and "
                + rest.length() + " characters of REST output: " + leaks.size() + " leaks; the probe connector with a "
                + "Mongo password was " + (probeExists ? "created" : "refused: " + created.lines().skip(1).findFirst()
                        .orElse(created)));
        assertTrue(leaks.isEmpty(), String.join("\n", leaks.stream().limit(20).toList()));
    }

    // ---- the workload and the checks ----

    /** Writes OBJECTS objects to a fresh bucket, injects the fault a third of the way, then checks everything. */
    private void replicateThrough(String scenario, Runnable fault) {
        String bucket = "faults-" + scenario;
        Workload.createBucket(source, bucket, SandboxStack.DESTINATION_BUCKET, List.copyOf(sites.keySet()));
        AtomicInteger written = new AtomicInteger();
        AtomicReference<Throwable> writeError = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            Random random = new Random(scenario.hashCode());
            try {
                for (int i = 0; i < OBJECTS; i++) {
                    byte[] data = new byte[isLarge(i) ? 6 * 1024 * 1024 + random.nextInt(1000) : random.nextInt(32 * 1024)];
                    random.nextBytes(data);
                    String key = workloadKey(scenario, i);
                    putWithRetries(bucket, key, data);
                    written.incrementAndGet();
                }
            } catch (Throwable t) {
                writeError.set(t);
            }
        }, "faults-writer");
        long t0 = System.nanoTime();
        writer.start();
        Await.until(Duration.ofSeconds(120), "a third of the objects written", () -> written.get() >= OBJECTS / 3
                || writeError.get() != null);
        fault.run();
        try {
            writer.join(Duration.ofMinutes(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertEquals(null, writeError.get(), "writing the workload failed");
        awaitAndCheck(bucket, scenario);
        long multipart = 0;
        for (int i = 0; i < OBJECTS; i++) {
            if (isLarge(i)) {
                String key = workloadKey(scenario, i);
                sites.forEach((site, s3) -> {
                    String etag = s3.headObject(h -> h.bucket(SandboxStack.DESTINATION_BUCKET).key(key)).eTag();
                    assertTrue(etag.replace("\"", "").endsWith("-2"),
                            scenario + ": " + key + " at " + site + " is a two-part upload, ETag " + etag);
                });
                multipart++;
            }
        }
        summary.add(String.format("%s: %d objects (%d copied in two parts), fault after %d, all replicated in %.1f s",
                scenario, OBJECTS, multipart, OBJECTS / 3, (System.nanoTime() - t0) / 1e9));
    }

    /** Every 25th object is 6 MiB: a two-part copy with the sites' 5 MiB threshold and parts. */
    private static boolean isLarge(int index) {
        return index % 25 == 7;
    }

    private static String workloadKey(String scenario, int index) {
        return String.format("%s/obj-%05d", scenario, index);
    }

    /** Source writes retry for a while: CloudServer cannot write either while its MongoDB restarts. */
    private void putWithRetries(String bucket, String key, byte[] data) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 40; attempt++) {
            try {
                source.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
                return;
            } catch (RuntimeException e) {
                last = e;
                sleep(500);
            }
        }
        throw last;
    }

    /** Waits until every version of the bucket is COMPLETED at both sites, then checks the bytes everywhere. */
    private void awaitAndCheck(String bucket, String what) {
        ReplicationCheck check = new ReplicationCheck(source, bucket, sites, SandboxStack.DESTINATION_BUCKET, monitor);
        List<ReplicationCheck.SourceVersion> versions = check.sourceVersions();
        assertFalse(versions.isEmpty(), "no versions in " + bucket);
        List<Target> targets = check.targets(versions);
        try {
            Await.until(REPLICATION_BOUND, what + ": every version COMPLETED at both sites",
                    () -> sites.keySet().stream().allMatch(s -> monitor.counts(s, targets).replicated()
                            == versions.size()),
                    () -> sites.keySet().stream().map(s -> monitor.counts(s, targets).toString()).toList() + "; "
                            + stack.rest().describe("crr-site-a") + "; " + stack.rest().describe("crr-site-b") + "; "
                            + stack.rest().describe("metadata-log-source") + "\nFAILED: " + targets.stream()
                            .flatMap(t -> monitor.terminal(t).stream()).filter(e -> e.status() == ReplicationStatus.FAILED)
                            .map(e -> e.site() + " " + e.objectKey() + " " + e.reason()).toList() + "\n"
                            + String.join("\n", logs.warnings(bucket, 10)));
        } catch (AssertionError e) {
            throw e;
        }
        ReplicationCheck.Report report = check.run(statusWriter);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!report.ok() && System.nanoTime() < deadline) {
            sleep(2000); // the status write-back trails the copies
            report = check.run(statusWriter);
        }
        assertTrue(report.ok(), what + ": " + String.join("\n", report.problems().stream().limit(20).toList()));
        for (String site : sites.keySet()) {
            assertEquals(versions.size(), report.identicalPerSite().get(site), what + " at " + site);
        }
        Map<String, List<String>> extra = check.extraCopies(versions);
        StringBuilder copies = new StringBuilder();
        extra.forEach((site, keys) -> copies.append(copies.length() == 0 ? "" : ", ").append(site).append(' ')
                .append(keys.size()).append(keys.isEmpty() ? "" : " " + keys.stream().limit(3).toList()));
        summary.add(String.format("%s: %d versions identical at %s; duplicate copies: %s; COMPLETED reported again "
                        + "%d; source status %s", what, versions.size(), sites.keySet(), copies,
                monitor.duplicates(targets), statusWriter
                        ? report.sourceCompleted() + " COMPLETED" : "not checked (no status writer deployed)"));
    }

    private static void expectInvalid(ConnectorConfigFile base, Map<String, String> change, String key) {
        Map<String, String> config = new LinkedHashMap<>(base.config());
        config.putAll(change);
        List<String> errors = stack.rest().validate(writeConfig(base.name(), config));
        assertTrue(errors.stream().anyMatch(e -> e.startsWith(key + ": ") && e.length() > key.length() + 6),
                "validating " + change + (change.isEmpty() ? " without " + key : "") + " names " + key
                        + " with a reason; got " + errors);
        summary.add("invalid config " + (change.isEmpty() ? "(no " + key + ")" : change) + " -> " + errors.stream()
                .filter(e -> e.startsWith(key + ": ")).findFirst().orElse(""));
    }

    private static ConnectorConfigFile without(ConnectorConfigFile file, String key) {
        Map<String, String> config = new LinkedHashMap<>(file.config());
        config.remove(key);
        return new ConnectorConfigFile(file.file(), file.name(), config);
    }

    private static Map<String, String> withName(Map<String, String> config, String name) {
        Map<String, String> out = new LinkedHashMap<>(config);
        out.put("name", name);
        return out;
    }

    static ConnectorConfigFile writeConfig(String name, Map<String, String> config) {
        try {
            Path file = Files.createTempFile("faults-" + name, ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, JSON.writeValueAsString(Map.of("name", name, "config", config)));
            return ConnectorConfigFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A call to the Connect REST API; the body of a 2xx answer, parsed. */
    static com.fasterxml.jackson.databind.JsonNode rest(String method, String path, String body) {
        java.net.URI uri = stack.rest().base().resolve(path);
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        try {
            java.net.http.HttpResponse<String> r = HTTP.send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + uri + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long offsets(String connector) {
        return rest("GET", "connectors/" + connector + "/offsets", null).path("offsets").size();
    }

    /**
     * Tasks ({@code connector-id}) of every connector (the journal, both sites, the status write-back) on
     * {@code workerId}, once some are and the assignment has stayed the same for two seconds: incremental
     * cooperative rebalancing moves part of the task load (7 tasks here) to a joining worker, in one or two rounds,
     * and which tasks move is its choice.
     */
    private static List<String> settledTasksOn(String workerId) {
        AtomicReference<List<String>> seen = new AtomicReference<>(List.of());
        AtomicReference<Long> since = new AtomicReference<>(System.nanoTime());
        Await.until(Duration.ofSeconds(90), "tasks assigned to the extra worker " + workerId + ", settled", () -> {
            List<String> now = tasksOn(workerId);
            if (!now.equals(seen.get())) {
                seen.set(now);
                since.set(System.nanoTime());
            }
            return !now.isEmpty() && System.nanoTime() - since.get() > Duration.ofSeconds(2).toNanos();
        }, () -> seen.get().toString());
        return seen.get();
    }

    private static List<String> tasksOn(String workerId) {
        List<String> tasks = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode connector : rest("GET", "connectors", null)) {
            stack.connect().taskWorkers(connector.asText()).forEach((id, worker) -> {
                if (workerId.equals(worker)) {
                    tasks.add(connector.asText() + "-" + id);
                }
            });
        }
        return tasks;
    }

    private static boolean allTasksRunningOffWorker(String workerId) {
        for (com.fasterxml.jackson.databind.JsonNode connector : rest("GET", "connectors", null)) {
            for (var task : stack.connect().status(connector.asText()).tasks()) {
                if (workerId.equals(task.workerId()) || !"RUNNING".equals(task.state())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String mask(String secret) {
        return secret.length() <= 4 ? "****" : secret.substring(0, 2) + "…(" + secret.length() + " chars)";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
