package io.backbeat.connect.sandbox.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sandbox.ConnectorConfigFile;
import io.backbeat.connect.sandbox.ReplicationMonitor;
import io.backbeat.connect.sandbox.ReplicationMonitor.Target;
import io.backbeat.connect.sandbox.SandboxStack;
import io.backbeat.connect.sandbox.SandboxVariables;
import io.backbeat.connect.sandbox.SharedSandbox;
import io.backbeat.connect.sandbox.Workload;
import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.LocalProcesses;
import io.backbeat.connect.testbed.ceph.CephRgw;
import io.backbeat.connect.testbed.kafka.ConnectCluster;
import io.backbeat.connect.testbed.s3.S3Endpoint;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Issue 6 end to end, in the shared sandbox's real distributed workers (bundle on plugin.path): source site
 * emulator → MongoDB stand-in → source connector → ReplicationFilter → S3ReplicationSinkConnector to two sites —
 * site-a an S3Mock (reached through a proxy that can slow uploads down), site-b a real Ceph RADOS Gateway
 * ({@code checksum.calculation=when_required}) — → status topic → status write-back on the source. The connectors
 * are the files of {@code connector-configs/} with the site-b endpoint, credentials and small part sizes changed.
 */
@ExtendWith(SharedSandbox.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private static final String SITE_A = SandboxStack.SITE_A;
    private static final String SITE_B = SandboxStack.SITE_B;
    private static final String REPLICA_BUCKET = "e2e-replica-" + RUN;
    private static final long MIB = 1024 * 1024;
    /**
     * Part plan knobs: multipart from Backbeat's 20 MB (the default is 200 MiB), and a 21 MiB object goes 2 → 4 → 8
     * MiB parts (two doublings), 3 parts of >= 5 MiB.
     */
    private static final Map<String, String> SMALL_PARTS = Map.of("multipart.threshold.bytes", "20000000",
            "multipart.part.size.bytes", Long.toString(2 * MIB), "multipart.part.target.count", "4");
    private static final String CEPH_UID = "e2e-" + RUN;
    private static final String CEPH_ACCESS_KEY = ("E2E" + RUN + "ACCESSKEY0000000").substring(0, 20)
            .toUpperCase(Locale.ROOT);
    private static final String CEPH_SECRET_KEY = "e2e-secret-" + RUN + "-0123456789abcdefghij";

    private static SandboxStack stack;
    private static CephRgw ceph;
    private static ThrottledProxy siteAProxy;
    private static ReplicationMonitor monitor;
    private static S3Client source;
    private static final Map<String, S3Client> sites = new LinkedHashMap<>();

    @BeforeAll
    static void deploy(SandboxStack shared) throws Exception {
        stack = shared;
        stack.deleteAllConnectors();
        ceph = CephRgw.shared();
        S3Endpoint cephUser = ceph.createUser(CEPH_UID, CEPH_ACCESS_KEY, CEPH_SECRET_KEY);
        S3Endpoint mock = stack.sites().get(SITE_A);
        siteAProxy = new ThrottledProxy(mock.endpoint());
        sites.put(SITE_A, mock.newClient());
        sites.put(SITE_B, cephUser.newClient());
        for (S3Client site : sites.values()) {
            site.createBucket(b -> b.bucket(REPLICA_BUCKET));
            site.putBucketVersioning(b -> b.bucket(REPLICA_BUCKET)
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }
        SandboxVariables.define(Map.of("E2E_SITE_A_ENDPOINT", siteAProxy.endpoint().toString(),
                "E2E_CEPH_ENDPOINT", ceph.endpointUri().toString(), "E2E_CEPH_ACCESS_KEY", CEPH_ACCESS_KEY,
                "E2E_CEPH_SECRET_KEY", CEPH_SECRET_KEY));

        Map<String, String> siteA = new LinkedHashMap<>(SMALL_PARTS);
        siteA.put("tasks.max", "1"); // one task: the worker to remove mid-copy is the one running it
        siteA.put("destination.s3.endpoint", "${env:E2E_SITE_A_ENDPOINT}");
        Map<String, String> siteB = new LinkedHashMap<>(SMALL_PARTS);
        siteB.put("destination.s3.endpoint", "${env:E2E_CEPH_ENDPOINT}");
        siteB.put("destination.s3.access.key.id", "${env:E2E_CEPH_ACCESS_KEY}");
        siteB.put("destination.s3.secret.access.key", "${env:E2E_CEPH_SECRET_KEY}");
        siteB.put("destination.s3.checksum.calculation", "when_required");
        // Ceph RGW Pacific on http: no aws-chunked uploads (it would keep 'aws-chunked' as Content-Encoding)
        siteB.put("destination.s3.chunked.upload", "false");
        // a paused gateway answers nothing: notice it within seconds and keep retrying through the outage
        siteB.put("destination.s3.socket.timeout.ms", "2000");
        siteB.put("destination.s3.connection.timeout.ms", "2000");
        siteB.put("retry.max.retries", "30");
        siteB.put("retry.backoff.min.ms", "300");
        siteB.put("retry.backoff.max.ms", "1500");
        siteB.put("retry.timeout.ms", "120000");
        stack.deploy(List.of(E2e.configFile("metadata-log-source.json", Map.of()),
                E2e.configFile("crr-site-a.json", siteA), E2e.configFile("crr-site-b.json", siteB),
                E2e.configFile("replication-status.json", Map.of())), WAIT,
                line -> System.out.println("[e2e] " + line));
        monitor = new ReplicationMonitor(stack.connect().bootstrapServers(), SandboxStack.STATUS_TOPIC);
        source = stack.newSourceClient();
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (stack != null) {
            stack.deleteAllConnectors();
            if (stack.connect().workers().size() < 2) {
                stack.connect().addWorker(); // the next class gets the stack as it was
            }
        }
        if (monitor != null) {
            monitor.close();
        }
        sites.values().forEach(S3Client::close);
        if (source != null) {
            source.close();
        }
        if (siteAProxy != null) {
            siteAProxy.close();
        }
    }

    // ---- helpers ----

    private static String newBucket(String what, String destinationBucket, List<String> toSites) {
        String bucket = "e2e-" + what + "-" + RUN;
        Workload.createBucket(source, bucket, destinationBucket, toSites);
        return bucket;
    }

    private static StatusEvent awaitFinal(String bucket, String key, String versionId, String site) {
        Target target = new Target(bucket, key, versionId, site);
        Await.until(WAIT, bucket + "/" + key + " final status at " + site, () -> monitor.latest(target)
                .map(e -> e.status() != ReplicationStatus.PENDING).orElse(false), () -> "latest event "
                + monitor.latest(target).orElse(null) + "; " + stack.rest().describe("crr-" + site));
        return monitor.latest(target).orElseThrow();
    }

    private static void awaitSourceStatus(String bucket, String key, String versionId, ReplicationStatus expected) {
        Await.until(WAIT, bucket + "/" + key + " " + expected + " on the source",
                () -> E2e.sourceStatus(source, bucket, key, versionId) == expected,
                () -> "now " + E2e.sourceStatus(source, bucket, key, versionId) + "; "
                        + stack.rest().describe("replication-status"));
    }

    /** Waits for both sites COMPLETED, checks the bytes and the replica marks; site → replica head. */
    private static Map<String, HeadObjectResponse> awaitIdenticalReplicas(String bucket, String key, String versionId,
            byte[] data) {
        return awaitIdenticalReplicas(bucket, key, versionId, data, sites.keySet());
    }

    private static Map<String, HeadObjectResponse> awaitIdenticalReplicas(String bucket, String key, String versionId,
            byte[] data, java.util.Collection<String> siteNames) {
        Map<String, HeadObjectResponse> replicas = new LinkedHashMap<>();
        String contentEncoding = source.headObject(b -> b.bucket(bucket).key(key).versionId(versionId))
                .contentEncoding();
        for (Map.Entry<String, S3Client> site : sites.entrySet()) {
            if (!siteNames.contains(site.getKey())) {
                continue;
            }
            StatusEvent event = awaitFinal(bucket, key, versionId, site.getKey());
            assertEquals(ReplicationStatus.COMPLETED, event.status(), site.getKey() + ": " + event);
            assertNotNull(E2e.replica(site.getValue(), REPLICA_BUCKET, key, versionId),
                    key + " at " + site.getKey() + " is not the replica of " + versionId);
            // The event names the replica it made. Delivery is at least once: an entry in flight while a rebalance
            // moves its partition is copied again by the new owner, so the latest version may be a second copy.
            HeadObjectResponse head = site.getValue().headObject(b -> b.bucket(REPLICA_BUCKET).key(key)
                    .versionId(event.destinationVersionId()));
            assertEquals("REPLICA", head.metadata().get("scal-replication-status"), site.getKey());
            assertEquals(versionId, head.metadata().get("scal-version-id"), site.getKey());
            // none where the source has none: an upload's own aws-chunked encoding must not stick to the replica
            assertEquals(contentEncoding, head.contentEncoding(), "Content-Encoding of " + key + " at " + site.getKey());
            byte[] copy = site.getValue().getObjectAsBytes(b -> b.bucket(REPLICA_BUCKET).key(key)
                    .versionId(head.versionId())).asByteArray();
            assertEquals(data.length, copy.length, key + " size at " + site.getKey());
            assertEquals(E2e.sha256(data), E2e.sha256(copy), key + " bytes at " + site.getKey());
            replicas.put(site.getKey(), head);
        }
        awaitSourceStatus(bucket, key, versionId, ReplicationStatus.COMPLETED);
        return replicas;
    }

    private static Map<String, String> tags(S3Client s3, String bucket, String key, String versionId) {
        return s3.getObjectTagging(b -> b.bucket(bucket).key(key).versionId(versionId)).tagSet().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    // ---- the tests ----

    /** A small object with user metadata, content headers and tags, at both sites, COMPLETED on the source. */
    @Test
    @Order(1)
    void smallObjectWithMetadataHeadersAndTags() {
        String bucket = newBucket("small", REPLICA_BUCKET, List.of(SITE_A, SITE_B));
        byte[] small = random(10_000, 1);
        Instant expires = Instant.parse("2030-01-01T00:00:00Z");
        String smallKey = "docs/small-report.txt";
        String smallVersion = source.putObject(b -> b.bucket(bucket).key(smallKey).contentType("text/plain")
                .contentDisposition("attachment; filename=\"report.txt\"")
                .contentLanguage("fr-FR").cacheControl("max-age=60").expires(expires)
                .metadata(Map.of("owner", "alice", "project", "e2e")).tagging("team=storage&stage=qa"),
                RequestBody.fromBytes(small)).versionId();
        Map<String, HeadObjectResponse> replicas = awaitIdenticalReplicas(bucket, smallKey, smallVersion, small);
        for (Map.Entry<String, HeadObjectResponse> r : replicas.entrySet()) {
            HeadObjectResponse head = r.getValue();
            String site = r.getKey();
            assertEquals("alice", head.metadata().get("owner"), site);
            assertEquals("e2e", head.metadata().get("project"), site);
            assertEquals("text/plain", head.contentType(), site);
            assertEquals("attachment; filename=\"report.txt\"", head.contentDisposition(), site);
            assertEquals("fr-FR", head.contentLanguage(), site);
            assertEquals("max-age=60", head.cacheControl(), site);
            assertEquals(expires, head.expires(), site);
            assertEquals(Map.of("team", "storage", "stage", "qa"),
                    tags(sites.get(site), REPLICA_BUCKET, smallKey, head.versionId()), site);
        }
    }

    /** An empty object: an empty replica at both sites. */
    @Test
    @Order(1)
    void emptyObject() {
        String bucket = newBucket("empty", REPLICA_BUCKET, List.of(SITE_A, SITE_B));
        String key = "docs/empty";
        String versionId = source.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(new byte[0]))
                .versionId();
        awaitIdenticalReplicas(bucket, key, versionId, new byte[0]);
    }

    /** Content-Encoding is carried too (on its own object: the emulator's handling of it is under suspicion). */
    @Test
    @Order(1)
    void contentEncodingIsCarried() {
        // Ceph RGW (Pacific) refuses an aws-chunked upload of an object with its own Content-Encoding: site-b
        // uploads unchunked (destination.s3.chunked.upload=false)
        String bucket = newBucket("encoded", REPLICA_BUCKET, List.of(SITE_A, SITE_B));
        String encodedKey = "docs/encoded.txt.gz";
        byte[] encoded = random(2_000, 11);
        String encodedVersion = source.putObject(b -> b.bucket(bucket).key(encodedKey).contentEncoding("gzip"),
                RequestBody.fromBytes(encoded)).versionId();
        assertEquals(List.of(SITE_A, SITE_B), List.copyOf(awaitIdenticalReplicas(bucket, encodedKey, encodedVersion,
                encoded).keySet()), "replicas (their Content-Encoding checked against the source's gzip)");
    }

    /**
     * A 21 MiB object: multipart at both sites with the part plan doubled twice (2 → 4 → 8 MiB, 3 parts); while
     * site-a's copy crawls through the throttled proxy, the worker running site-a's task is removed. The copy is
     * redone by the task on the remaining worker and the replica is byte-identical.
     */
    @Test
    @Order(2)
    void multipartWithTwoPartPlanDoublingsSurvivesItsWorkerRemovedMidCopy() {
        String bucket = newBucket("multipart", REPLICA_BUCKET, List.of(SITE_A, SITE_B));
        byte[] data = random((int) (21 * MIB), 2);
        String key = "big/twenty-one-mib.bin";
        siteAProxy.throttle(3 * MIB);
        String versionId;
        try {
            long before = siteAProxy.uploaded();
            versionId = source.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data)).versionId();
            Await.until(WAIT, "site-a's copy under way (2 MiB through the proxy)",
                    () -> siteAProxy.uploaded() - before > 2 * MIB);
            String workerId = stack.connect().taskWorkers("crr-" + SITE_A).get(0);
            WorkerHandle worker = stack.connect().workers().stream()
                    .filter(w -> ConnectCluster.workerId(w).equals(workerId)).findFirst()
                    .orElseThrow(() -> new AssertionError("crr-site-a's task runs on " + workerId
                            + ", not an in-process worker"));
            assertTrue(siteAProxy.uploaded() - before < data.length, "the copy must still be running");
            assertEquals(null, monitor.latest(new Target(bucket, key, versionId, SITE_A)).orElse(null),
                    "no status for site-a before its worker is removed");
            stack.connect().removeWorker(worker);
        } finally {
            siteAProxy.throttle(0);
        }
        Set<String> remaining = stack.connect().workerIds();
        stack.connect().awaitTasksOn("crr-" + SITE_A, 1, remaining, WAIT);
        awaitIdenticalReplicas(bucket, key, versionId, data);
        for (Map.Entry<String, S3Client> site : sites.entrySet()) {
            HeadObjectResponse head = E2e.replica(site.getValue(), REPLICA_BUCKET, key, versionId);
            assertTrue(head.eTag().replace("\"", "").endsWith("-3"),
                    site.getKey() + ": a 3-part upload (2 → 4 → 8 MiB parts), ETag " + head.eTag());
        }
    }

    /** A tag change after replication updates the replica version; a delete marker is replicated as a delete. */
    @Test
    @Order(3)
    void tagUpdateAndDeleteMarkerFollowTheSource() {
        String bucket = newBucket("lifecycle", REPLICA_BUCKET, List.of(SITE_A, SITE_B));
        String key = "docs/tagged-then-deleted.txt";
        byte[] data = "first".getBytes(StandardCharsets.UTF_8);
        String versionId = source.putObject(b -> b.bucket(bucket).key(key).tagging("state=draft"),
                RequestBody.fromBytes(data)).versionId();
        Map<String, HeadObjectResponse> replicas = awaitIdenticalReplicas(bucket, key, versionId, data);

        source.putObjectTagging(b -> b.bucket(bucket).key(key).versionId(versionId).tagging(t -> t.tagSet(
                Tag.builder().key("state").value("final").build(), Tag.builder().key("reviewer").value("bob").build())));
        for (Map.Entry<String, HeadObjectResponse> r : replicas.entrySet()) {
            S3Client site = sites.get(r.getKey());
            String replicaVersion = r.getValue().versionId();
            Await.until(WAIT, "new tags on the replica at " + r.getKey(), () -> tags(site, REPLICA_BUCKET, key,
                    replicaVersion).equals(Map.of("state", "final", "reviewer", "bob")),
                    () -> "tags now " + tags(site, REPLICA_BUCKET, key, replicaVersion));
        }

        source.deleteObject(b -> b.bucket(bucket).key(key));
        String markerId = source.listObjectVersions(b -> b.bucket(bucket).prefix(key)).deleteMarkers().stream()
                .filter(m -> m.key().equals(key)).findFirst().orElseThrow().versionId();
        for (Map.Entry<String, S3Client> site : sites.entrySet()) {
            StatusEvent event = awaitFinal(bucket, key, markerId, site.getKey());
            assertEquals(ReplicationStatus.COMPLETED, event.status(), site.getKey() + ": " + event);
            var listing = site.getValue().listObjectVersions(b -> b.bucket(REPLICA_BUCKET).prefix(key));
            assertTrue(listing.deleteMarkers().stream().anyMatch(m -> m.key().equals(key) && m.isLatest()),
                    site.getKey() + ": the latest version of " + key + " is a delete marker: " + listing);
            // the replicated data version is still there, under the marker
            assertTrue(listing.versions().stream().map(ObjectVersion::versionId)
                    .anyMatch(replicas.get(site.getKey()).versionId()::equals), site.getKey());
        }
    }

    /** A destination bucket without versioning: FAILED with DstBucketUnversioned, on the source too. */
    @Test
    @Order(4)
    void unversionedDestinationFails() {
        String unversioned = "e2e-unversioned-" + RUN;
        sites.get(SITE_A).createBucket(b -> b.bucket(unversioned));
        String bucket = newBucket("unversioned", unversioned, List.of(SITE_A));
        String key = "docs/nowhere.txt";
        String versionId = source.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("x")).versionId();
        StatusEvent event = awaitFinal(bucket, key, versionId, SITE_A);
        assertEquals(ReplicationStatus.FAILED, event.status(), event.toString());
        assertEquals("DstBucketUnversioned", event.reason(), event.toString());
        awaitSourceStatus(bucket, key, versionId, ReplicationStatus.FAILED);
        assertEquals(List.of(), sites.get(SITE_A).listObjectVersions(b -> b.bucket(unversioned)).versions());
    }

    /** The Ceph gateway frozen (SIGSTOP) for a while: the copy is retried and completes once it answers again. */
    @Test
    @Order(5)
    void destinationDownThenBackIsRetried() throws Exception {
        String bucket = newBucket("outage", REPLICA_BUCKET, List.of(SITE_B));
        String key = "docs/during-outage.txt";
        byte[] data = random(50_000, 5);
        String pid = radosgwPid();
        String versionId;
        signal("STOP", pid);
        try {
            versionId = source.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data)).versionId();
            E2e.sleep(6000); // the outage: a few 2 s socket timeouts
            assertEquals(null, monitor.latest(new Target(bucket, key, versionId, SITE_B)).orElse(null),
                    "no final status while the gateway is down");
        } finally {
            signal("CONT", pid);
        }
        StatusEvent event = awaitFinal(bucket, key, versionId, SITE_B);
        assertEquals(ReplicationStatus.COMPLETED, event.status(), event.toString());
        assertTrue(event.attempts() > 1, "retried: " + event);
        HeadObjectResponse head = E2e.replica(sites.get(SITE_B), REPLICA_BUCKET, key, versionId);
        assertNotNull(head);
        assertEquals(E2e.sha256(data), E2e.sha256(sites.get(SITE_B).getObjectAsBytes(b -> b.bucket(REPLICA_BUCKET)
                .key(key).versionId(head.versionId())).asByteArray()));
        awaitSourceStatus(bucket, key, versionId, ReplicationStatus.COMPLETED);
    }

    /**
     * The site's access key removed at the destination (credentials no longer valid): FAILED with
     * DstInvalidCredentials, the task stays RUNNING, and replicates again once the key is back.
     */
    @Test
    @Order(6)
    void wrongCredentialsFailClearlyAndTheTaskLivesOn() {
        String bucket = newBucket("creds", REPLICA_BUCKET, List.of(SITE_B));
        String key = "docs/refused.txt";
        radosgwAdmin("key", "rm", "--uid=" + CEPH_UID, "--key-type=s3", "--access-key=" + CEPH_ACCESS_KEY);
        String versionId;
        try {
            versionId = source.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("no")).versionId();
            StatusEvent event = awaitFinal(bucket, key, versionId, SITE_B);
            assertEquals(ReplicationStatus.FAILED, event.status(), event.toString());
            assertEquals("DstInvalidCredentials", event.reason(), event.toString());
            assertEquals(1, event.attempts(), "refused credentials are final, not retried: " + event);
            awaitSourceStatus(bucket, key, versionId, ReplicationStatus.FAILED);
            assertTrue(stack.rest().running("crr-" + SITE_B), stack.rest().describe("crr-" + SITE_B));
        } finally {
            radosgwAdmin("key", "create", "--uid=" + CEPH_UID, "--key-type=s3", "--access-key=" + CEPH_ACCESS_KEY,
                    "--secret-key=" + CEPH_SECRET_KEY);
        }
        String next = "docs/accepted.txt";
        byte[] data = "yes".getBytes(StandardCharsets.UTF_8);
        String nextVersion = source.putObject(b -> b.bucket(bucket).key(next), RequestBody.fromBytes(data)).versionId();
        StatusEvent event = awaitFinal(bucket, next, nextVersion, SITE_B);
        assertEquals(ReplicationStatus.COMPLETED, event.status(), "same task, key restored: " + event);
    }

    /** Keys with a space, '+', '%' and non-ASCII characters: signed requests on both sides, both sites. */
    @Test
    @Order(7)
    void awkwardKeys() {
        String bucket = newBucket("keys", REPLICA_BUCKET, List.of(SITE_A, SITE_B));
        String key = "docs/annual report 100% + été.txt";
        byte[] data = random(3_000, 7);
        String versionId = source.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data)).versionId();
        awaitIdenticalReplicas(bucket, key, versionId, data);
    }

    // ---- Ceph process control ----

    private static String radosgwPid() throws Exception {
        Path pidFile = ceph.configFile().getParent().resolve("run/client.rgw.x.pid");
        return Files.readString(pidFile).trim();
    }

    private static void signal(String signal, String pid) {
        LocalProcesses.run(Duration.ofSeconds(10), List.of("kill", "-" + signal, pid));
    }

    private static void radosgwAdmin(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("radosgw-admin", "-c", ceph.configFile().toString()));
        command.addAll(List.of(args));
        LocalProcesses.run(Duration.ofSeconds(60), command);
    }
}
