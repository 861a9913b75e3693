package io.backbeat.connect.sink.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.RetryPolicy;
import io.backbeat.connect.sink.s3.S3ClientConfig;
import io.backbeat.connect.sink.s3.S3ClientFactory;
import io.backbeat.connect.sink.s3.S3Connection;
import io.backbeat.connect.testbed.s3.S3Endpoint;
import io.backbeat.connect.testbed.s3.S3TestServer;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import io.backbeat.connect.sink.metrics.ReplicationSinkMetrics;
import io.backbeat.connect.sink.metrics.ReplicationStats;

import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.Tag;

/** The copy engine against S3Mock playing both the source site and the destination site. */
class EntryProcessorTest {

    private static final String SITE = "siteA";
    private static final long MIB = PartPlan.MIB;

    private static S3TestServer s3;
    private static S3Client client;
    private static S3Connection connection;
    private static ExecutorService parts;
    private static EntryProcessor processor;
    private static ObjectReplicator replicator;
    private static Retrier fastRetrier;
    private static ReplicationStats redisStats;

    @BeforeAll
    static void start() {
        s3 = S3TestServer.start("src", "dst");
        s3.createBucket("dst-plain", false);
        client = s3.newClient();
        connection = S3ClientFactory.connect(clientConfig(s3.endpoint(), "when_supported"));
        parts = Executors.newFixedThreadPool(4);
        fastRetrier = new Retrier(new RetryPolicy(2, 10_000, 10, 20, 0.1, 1.5));
        // small plan so that a 21 MiB object doubles twice: 5 MiB -> 10 -> 20 (S3 wants parts of >= 5 MiB)
        CopySettings small = new CopySettings(5 * MIB, true, new PartPlan.Settings(5 * MIB, 2, 512 * MIB), 60_000);
        // Redis counters are the ops API's business (ReplicationStatsTest): here only what the copy reports
        redisStats = org.mockito.Mockito.mock(ReplicationStats.class);
        replicator = new ObjectReplicator(connection.s3(), connection.s3(), parts, fastRetrier, small,
                new SiteStats(new ReplicationSinkMetrics(SITE), redisStats, () -> 42L));
        processor = new EntryProcessor(SITE, null, SourceMetadataReader.ENTRY, replicator, fastRetrier);
    }

    @AfterAll
    static void stop() {
        parts.shutdownNow();
        connection.close();
        client.close();
        s3.close();
    }

    static S3ClientConfig clientConfig(S3Endpoint e, String checksum) {
        return S3ClientConfig.of("", Map.of(S3ClientConfig.ENDPOINT, e.endpoint().toString(),
                S3ClientConfig.REGION, e.region(), S3ClientConfig.ACCESS_KEY_ID, e.accessKey(),
                S3ClientConfig.SECRET_ACCESS_KEY, e.secretKey(), S3ClientConfig.CHECKSUM, checksum));
    }

    // ---- helpers ----

    record Source(String versionId, byte[] data, ObjectMetadata md) {
    }

    static Source putSource(String key, byte[] data, Map<String, String> userMeta, Map<String, String> tags,
                            List<String> content) {
        String versionId = client.putObject(p -> p.bucket("src").key(key).contentType("text/plain")
                .contentLanguage("fr").cacheControl("max-age=60").contentDisposition("inline")
                .metadata(userMeta), RequestBody.fromBytes(data)).versionId();
        ObjectMetadata md = ObjectMetadata.parse("{}")
                .withField("key", key)
                .withField("content-length", data.length)
                .withField("content-md5", md5(data))
                .withField("content-type", "text/plain")
                .withField("content-language", "fr")
                .withField("cache-control", "max-age=60")
                .withField("content-disposition", "inline")
                .withReplicationInfo(ReplicationInfo.pending(List.of(SITE), content, "arn:aws:s3:::dst", "", ""))
                .withTags(tags);
        for (Map.Entry<String, String> m : userMeta.entrySet()) {
            md = md.withField("x-amz-meta-" + m.getKey(), m.getValue());
        }
        return new Source(versionId, data, md);
    }

    static LogEntry entry(String key, String versionId, ObjectMetadata md) {
        return LogEntry.object(LogEntry.Type.PUT, "src", key, versionId, "\u007fV" + key + "\u0000" + versionId,
                md.toJson(), 1_795_300_000_000L);
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Map<String, String> tagsOf(String bucket, String key, String versionId) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag t : client.getObjectTagging(g -> g.bucket(bucket).key(key).versionId(versionId)).tagSet()) {
            tags.put(t.key(), t.value());
        }
        return tags;
    }

    static List<ObjectVersion> versions(String bucket, String key) {
        return client.listObjectVersions(l -> l.bucket(bucket).prefix(key)).versions().stream()
                .filter(v -> v.key().equals(key)).toList();
    }

    // ---- tests ----

    @Test
    void smallObjectIsCopiedWithMetadataTagsAndReplicaMarks() {
        byte[] data = "hello replication".getBytes();
        Source src = putSource("small", data, Map.of("color", "blue"), Map.of("env", "prod", "t.x", "a.b"),
                List.of("DATA", "METADATA"));
        EntryOutcome outcome = processor.process(entry("small", src.versionId(), src.md()));

        assertNull(outcome.failure(), () -> String.valueOf(outcome.failure()));
        assertEquals(ReplicationStatus.COMPLETED, outcome.event().status());
        String dstVersion = outcome.event().destinationVersionId();
        assertNotNull(dstVersion);
        assertEquals(1, outcome.event().attempts());
        // S3Mock 5.2.3 does not decode '%24' in the x-amz-tagging header: '$' in tag names is checked on Ceph
        assertEquals(data.length, outcome.event().contentLength());
        assertEquals(src.versionId(), outcome.event().versionId());
        assertEquals(SITE, outcome.event().site());
        assertEquals(src.md().replicationFingerprint(), outcome.event().sourceFingerprint(),
                "the event names the source state it copied");

        ResponseBytes<GetObjectResponse> copy = client.getObjectAsBytes(g -> g.bucket("dst").key("small")
                .versionId(dstVersion));
        assertArrayEquals(data, copy.asByteArray());
        HeadObjectResponse head = copy.response() == null ? null : client.headObject(h -> h.bucket("dst")
                .key("small").versionId(dstVersion));
        assertEquals("blue", head.metadata().get("color"));
        assertEquals("REPLICA", head.metadata().get("scal-replication-status"));
        assertEquals(src.versionId(), head.metadata().get("scal-version-id"));
        assertEquals("text/plain", head.contentType());
        assertEquals("fr", head.contentLanguage());
        assertEquals("max-age=60", head.cacheControl());
        assertEquals("inline", head.contentDisposition());
        assertEquals(Map.of("env", "prod", "t.x", "a.b"), tagsOf("dst", "small", dstVersion));
    }

    @Test
    void emptyObjectIsCopied() {
        Source src = putSource("empty", new byte[0], Map.of(), Map.of(), List.of("DATA", "METADATA"));
        EntryOutcome outcome = processor.process(entry("empty", src.versionId(), src.md()));
        assertEquals(ReplicationStatus.COMPLETED, outcome.event().status(), () -> String.valueOf(outcome.failure()));
        assertEquals(0, client.headObject(h -> h.bucket("dst").key("empty")
                .versionId(outcome.event().destinationVersionId())).contentLength());
    }

    @Test
    void largeObjectIsCopiedInPartsFollowingThePlan() {
        byte[] data = random((int) (21 * MIB + 123), 42);
        Source src = putSource("big", data, Map.of("size", "large"), Map.of("k", "v"), List.of("DATA", "METADATA"));
        EntryOutcome outcome = processor.process(entry("big", src.versionId(), src.md()));

        assertEquals(ReplicationStatus.COMPLETED, outcome.event().status(), () -> String.valueOf(outcome.failure()));
        assertEquals(2, outcome.result().parts(), "21 MiB with 5 MiB doubled twice = parts of 20 MiB");
        String v = outcome.event().destinationVersionId();
        byte[] copy = client.getObjectAsBytes(g -> g.bucket("dst").key("big").versionId(v)).asByteArray();
        assertEquals(md5(data), md5(copy));
        HeadObjectResponse head = client.headObject(h -> h.bucket("dst").key("big").versionId(v));
        assertTrue(head.eTag().endsWith("-2\""), head.eTag());
        assertEquals("large", head.metadata().get("size"));
        assertEquals("REPLICA", head.metadata().get("scal-replication-status"));
        assertEquals(Map.of("k", "v"), tagsOf("dst", "big", v));

        // per-object progress for the ops API: the size when the copy starts, then each part as it is written
        org.mockito.Mockito.verify(redisStats).recordObjectStarted(SITE, "src", "big", src.versionId(), data.length,
                42L);
        org.mockito.ArgumentCaptor<Long> written = org.mockito.ArgumentCaptor.forClass(Long.class);
        org.mockito.Mockito.verify(redisStats, org.mockito.Mockito.times(2)).recordObjectBytes(
                org.mockito.ArgumentMatchers.eq(SITE), org.mockito.ArgumentMatchers.eq("src"),
                org.mockito.ArgumentMatchers.eq("big"), org.mockito.ArgumentMatchers.eq(src.versionId()),
                written.capture(), org.mockito.ArgumentMatchers.eq(42L));
        assertEquals((long) data.length, written.getAllValues().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void multipartSourceBelowTheThresholdIsCopiedInPartsUnlessSwitchedOff() {
        // 6 MiB, below a 20 MiB threshold, with the multipart ETag ("<md5>-2") of a two-part upload at the source
        byte[] data = random((int) (6 * MIB), 7);
        Source put = putSource("mpu-source", data, Map.of(), Map.of(), List.of("DATA", "METADATA"));
        ObjectMetadata md = put.md().withField("content-md5", md5(data) + "-2");
        CopySettings backbeat = new CopySettings(20 * MIB, true, new PartPlan.Settings(5 * MIB, 2, 512 * MIB), 60_000);
        CopySettings bySize = new CopySettings(20 * MIB, false, backbeat.partPlan(), 60_000);

        EntryOutcome parts = new EntryProcessor(SITE, null, SourceMetadataReader.ENTRY, new ObjectReplicator(
                connection.s3(), connection.s3(), EntryProcessorTest.parts, fastRetrier, backbeat), fastRetrier)
                .process(entry("mpu-source", put.versionId(), md));
        assertEquals(ReplicationStatus.COMPLETED, parts.event().status(), () -> String.valueOf(parts.failure()));
        assertEquals(2, parts.result().parts(), "a multipart source is copied in parts (as Backbeat)");

        EntryOutcome single = new EntryProcessor(SITE, null, SourceMetadataReader.ENTRY, new ObjectReplicator(
                connection.s3(), connection.s3(), EntryProcessorTest.parts, fastRetrier, bySize), fastRetrier)
                .process(entry("mpu-source", put.versionId(), md));
        assertEquals(ReplicationStatus.COMPLETED, single.event().status(), () -> String.valueOf(single.failure()));
        assertEquals(0, single.result().parts(), "multipart.for.multipart.sources=false: the size decides");
        byte[] copy = client.getObjectAsBytes(g -> g.bucket("dst").key("mpu-source")
                .versionId(single.event().destinationVersionId())).asByteArray();
        assertEquals(md5(data), md5(copy));
    }

    @Test
    void deleteMarkerBecomesADeleteOnTheDestination() {
        Source src = putSource("gone", "bye".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        assertEquals(ReplicationStatus.COMPLETED, processor.process(entry("gone", src.versionId(), src.md()))
                .event().status());
        String marker = client.deleteObject(d -> d.bucket("src").key("gone")).versionId();
        ObjectMetadata md = ObjectMetadata.parse("{}").withField("isDeleteMarker", true)
                .withReplicationInfo(ReplicationInfo.pending(List.of(SITE), List.of("METADATA"), "arn:aws:s3:::dst",
                        "", ""));
        EntryOutcome outcome = processor.process(entry("gone", marker, md));

        assertEquals(ReplicationStatus.COMPLETED, outcome.event().status(), () -> String.valueOf(outcome.failure()));
        assertEquals(ObjectReplicator.Action.DELETE_REPLICATED, outcome.result().action());
        assertTrue(client.listObjectVersions(l -> l.bucket("dst").prefix("gone")).deleteMarkers().stream()
                .anyMatch(m -> m.key().equals("gone") && m.isLatest()));
    }

    @Test
    void aRedeliveredEntryWhoseReplicaIsTheLatestVersionIsNotCopiedAgain() {
        Source src = putSource("redelivered", "copied once".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        EntryOutcome first = processor.process(entry("redelivered", src.versionId(), src.md()));
        assertEquals(ObjectReplicator.Action.DATA_COPIED, first.result().action(), () -> String.valueOf(first.failure()));

        EntryOutcome again = processor.process(entry("redelivered", src.versionId(), src.md()), true);
        assertEquals(ReplicationStatus.COMPLETED, again.event().status(), () -> String.valueOf(again.failure()));
        assertEquals(ObjectReplicator.Action.REPLICA_FOUND, again.result().action());
        assertEquals(first.event().destinationVersionId(), again.event().destinationVersionId(),
                "completed with the replica already there");
        assertEquals(0, again.event().contentLength(), "nothing transferred");
        assertEquals(1, versions("dst", "redelivered").size(), "no second version");

        // unchecked, a redelivery is a second copy of the same bytes
        EntryOutcome unchecked = processor.process(entry("redelivered", src.versionId(), src.md()), false);
        assertEquals(ObjectReplicator.Action.DATA_COPIED, unchecked.result().action());
        assertEquals(2, versions("dst", "redelivered").size());

        // the replica of a later source version is not taken for this version's
        Source later = putSource("redelivered", "second version".getBytes(), Map.of(), Map.of(),
                List.of("DATA", "METADATA"));
        processor.process(entry("redelivered", later.versionId(), later.md()));
        EntryOutcome older = processor.process(entry("redelivered", src.versionId(), src.md()), true);
        assertEquals(ObjectReplicator.Action.DATA_COPIED, older.result().action());
        assertArrayEquals(src.data(), client.getObjectAsBytes(g -> g.bucket("dst").key("redelivered")
                .versionId(older.event().destinationVersionId())).asByteArray());
    }

    @Test
    void theReplicaCheckFindsNothingUnderAMissingKeyADeleteMarkerOrAnOriginal() {
        Source src = putSource("checked", "c".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        EntryOutcome fresh = processor.process(entry("checked", src.versionId(), src.md()), true);
        assertEquals(ObjectReplicator.Action.DATA_COPIED, fresh.result().action(), () -> String.valueOf(fresh.failure()));

        client.deleteObject(d -> d.bucket("dst").key("checked"));
        EntryOutcome afterMarker = processor.process(entry("checked", src.versionId(), src.md()), true);
        assertEquals(ObjectReplicator.Action.DATA_COPIED, afterMarker.result().action(),
                "a delete marker on top: the replica is not the latest version");

        // an object written at the destination by someone else, with the same key and size, is no replica
        client.putObject(b -> b.bucket("dst").key("checked"), RequestBody.fromBytes("x".getBytes()));
        EntryOutcome overOriginal = processor.process(entry("checked", src.versionId(), src.md()), true);
        assertEquals(ObjectReplicator.Action.DATA_COPIED, overOriginal.result().action());
        assertEquals(5, versions("dst", "checked").size() + countMarkers("dst", "checked"));
    }

    /** What an interposed destination does instead of one operation; {@code real} performs it. */
    interface Interposed {
        Object answer(Object request, java.util.concurrent.Callable<Object> real) throws Exception;
    }

    /**
     * The real client with one operation (its request overload; the builder overloads lead there) answered by
     * {@code interposed}: a destination that loses answers or refuses a call, everything else real.
     */
    static S3Client interposed(S3Client real, String operation, Interposed interposed) {
        return (S3Client) java.lang.reflect.Proxy.newProxyInstance(S3Client.class.getClassLoader(),
                new Class<?>[] {S3Client.class}, (proxy, method, args) -> {
                    if (method.isDefault() && args != null && args[0] instanceof java.util.function.Consumer) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    java.util.concurrent.Callable<Object> call = () -> {
                        try {
                            return method.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw (Exception) e.getCause();
                        }
                    };
                    return method.getName().equals(operation) ? interposed.answer(args[0], call) : call.call();
                });
    }

    /** The call is carried out by the server, then its answer is lost on a cut connection. */
    static RuntimeException answerLost() {
        return software.amazon.awssdk.core.exception.SdkClientException.builder()
                .message("Unable to execute HTTP request: Connection reset")
                .cause(new java.net.SocketException("Connection reset")).build();
    }

    @Test
    void aDestinationThatRefusesTheReplicaCheckStillGetsTheCopy() {
        // write-only credentials: HEAD is refused, versioning and PUT go through
        S3Client writeOnly = interposed(connection.s3(), "headObject", (request, real) -> {
            throw software.amazon.awssdk.services.s3.model.S3Exception.builder().statusCode(403)
                    .message("Access Denied").build();
        });
        ObjectReplicator refused = new ObjectReplicator(connection.s3(), writeOnly, parts, fastRetrier,
                CopySettings.DEFAULTS);
        EntryProcessor p = new EntryProcessor(SITE, null, SourceMetadataReader.ENTRY, refused, fastRetrier);
        Source src = putSource("write-only", "w".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        EntryOutcome outcome = p.process(entry("write-only", src.versionId(), src.md()), true);
        assertEquals(ObjectReplicator.Action.DATA_COPIED, outcome.result().action(),
                () -> String.valueOf(outcome.failure()));
        assertEquals(1, versions("dst", "write-only").size());
    }

    @Test
    void aRetriedPutWhoseFirstAttemptWasStoredIsNotSentAgain() {
        java.util.concurrent.atomic.AtomicInteger puts = new java.util.concurrent.atomic.AtomicInteger();
        S3Client lossy = interposed(connection.s3(), "putObject", (request, real) -> {
            Object stored = real.call();
            if (puts.incrementAndGet() == 1) {
                throw answerLost();
            }
            return stored;
        });
        EntryProcessor p = new EntryProcessor(SITE, null, SourceMetadataReader.ENTRY,
                new ObjectReplicator(connection.s3(), lossy, parts, fastRetrier, CopySettings.DEFAULTS), fastRetrier);
        Source src = putSource("answer-lost", "stored once".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));

        EntryOutcome outcome = p.process(entry("answer-lost", src.versionId(), src.md()));
        assertEquals(ObjectReplicator.Action.DATA_COPIED, outcome.result().action(),
                () -> String.valueOf(outcome.failure()));
        assertEquals(2, outcome.event().attempts(), "the PUT was retried");
        assertEquals(1, puts.get(), "the retry found the stored copy instead of sending it again");
        List<ObjectVersion> stored = versions("dst", "answer-lost");
        assertEquals(1, stored.size());
        assertEquals(stored.get(0).versionId(), outcome.event().destinationVersionId());
    }

    @Test
    void aRetriedCompleteWhoseFirstAttemptFinishedTheUploadIsNotSentAgain() {
        java.util.concurrent.atomic.AtomicInteger completes = new java.util.concurrent.atomic.AtomicInteger();
        S3Client lossy = interposed(connection.s3(), "completeMultipartUpload", (request, real) -> {
            Object completed = real.call();
            if (completes.incrementAndGet() == 1) {
                throw answerLost(); // sent again, the finished upload would answer NoSuchUpload
            }
            return completed;
        });
        CopySettings small = new CopySettings(5 * MIB, true, new PartPlan.Settings(5 * MIB, 2, 512 * MIB), 60_000);
        EntryProcessor p = new EntryProcessor(SITE, null, SourceMetadataReader.ENTRY,
                new ObjectReplicator(connection.s3(), lossy, parts, fastRetrier, small), fastRetrier);
        byte[] data = random((int) (6 * MIB), 7);
        Source src = putSource("complete-lost", data, Map.of(), Map.of(), List.of("DATA", "METADATA"));

        EntryOutcome outcome = p.process(entry("complete-lost", src.versionId(), src.md()));
        assertEquals(ReplicationStatus.COMPLETED, outcome.event().status(), () -> String.valueOf(outcome.failure()));
        assertEquals(2, outcome.result().parts());
        assertEquals(2, outcome.event().attempts(), "the Complete was retried");
        assertEquals(1, completes.get(), "the retry found the finished upload instead of completing it again");
        List<ObjectVersion> stored = versions("dst", "complete-lost");
        assertEquals(1, stored.size());
        assertEquals(stored.get(0).versionId(), outcome.event().destinationVersionId());
        assertArrayEquals(data, client.getObjectAsBytes(g -> g.bucket("dst").key("complete-lost")
                .versionId(outcome.event().destinationVersionId())).asByteArray());
    }

    /** Answers for the source from a map (the source's current state), counting the reads. */
    static final class CountingReader implements SourceMetadataReader {
        final Map<String, Optional<ObjectMetadata>> current = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Optional<ObjectMetadata> read(LogEntry entry) {
            reads.incrementAndGet();
            return current.getOrDefault(entry.versionId(), Optional.ofNullable(entry.objectMetadata()));
        }

        @Override
        public String name() {
            return "counting";
        }
    }

    @Test
    void onlySuspectEntriesAndMetadataOnlyChangesAreReRead() {
        CountingReader reader = new CountingReader();
        EntryProcessor suspectOnly = new EntryProcessor(SITE, null, reader, replicator, fastRetrier, false,
                ReplicaCheck.REDELIVERIES);
        Source fresh = putSource("reread/fresh", "f".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));

        EntryOutcome first = suspectOnly.process(entry("reread/fresh", fresh.versionId(), fresh.md()), false);
        assertEquals(ObjectReplicator.Action.DATA_COPIED, first.result().action(), () -> String.valueOf(first.failure()));
        assertEquals(0, reader.reads.get(), "a first delivery of a fresh entry is copied from what it carries");

        EntryOutcome redelivered = suspectOnly.process(entry("reread/fresh", fresh.versionId(), fresh.md()), true);
        assertEquals(1, reader.reads.get(), "a possible redelivery is re-read");
        assertEquals(ObjectReplicator.Action.REPLICA_FOUND, redelivered.result().action());

        ObjectMetadata retagged = fresh.md().withTags(Map.of("t", "1")).withReplicationInfo(ReplicationInfo.pending(
                List.of(SITE), List.of("METADATA"), "arn:aws:s3:::dst", "", ""));
        suspectOnly.process(entry("reread/fresh", fresh.versionId(), retagged), false);
        assertEquals(2, reader.reads.get(), "a metadata-only change is re-read (it needs the replica's version id)");

        EntryProcessor always = new EntryProcessor(SITE, null, reader, replicator, fastRetrier, true,
                ReplicaCheck.REDELIVERIES);
        always.process(entry("reread/fresh", fresh.versionId(), fresh.md()), false);
        assertEquals(3, reader.reads.get(), "always: Backbeat's re-read of every entry");
    }

    @Test
    void aCarriedEntryWhoseVersionWentAwayIsReReadAndSkipped() {
        CountingReader reader = new CountingReader();
        EntryProcessor suspectOnly = new EntryProcessor(SITE, null, reader, replicator, fastRetrier, false,
                ReplicaCheck.REDELIVERIES);
        Source gone = putSource("reread/gone", "g".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        client.deleteObject(d -> d.bucket("src").key("reread/gone").versionId(gone.versionId()));
        reader.current.put(gone.versionId(), Optional.empty());

        EntryOutcome outcome = suspectOnly.process(entry("reread/gone", gone.versionId(), gone.md()), false);
        assertTrue(outcome.isSkipped(), () -> "skipped, not FAILED: " + outcome.failure());
        assertEquals("source version no longer exists", outcome.skipped());
        assertEquals(1, reader.reads.get(), "the copy found the version gone, the re-read confirmed it");
        assertEquals(0, versions("dst", "reread/gone").size());
    }

    static int countMarkers(String bucket, String key) {
        return (int) client.listObjectVersions(l -> l.bucket(bucket).prefix(key)).deleteMarkers().stream()
                .filter(m -> m.key().equals(key)).count();
    }

    @Test
    void tagChangeUpdatesTheRecordedReplicaVersionInPlace() {
        Source src = putSource("tagged", "t".getBytes(), Map.of(), Map.of("a", "1"), List.of("DATA", "METADATA"));
        String dstVersion = processor.process(entry("tagged", src.versionId(), src.md())).event()
                .destinationVersionId();
        int versionsBefore = versions("dst", "tagged").size();

        ObjectMetadata retagged = src.md().withTags(Map.of("a", "2", "b", "3"))
                .withReplicationInfo(ReplicationInfo.pending(List.of(SITE), List.of("METADATA"), "arn:aws:s3:::dst",
                        "", "").withSiteStatus(SITE, ReplicationStatus.PENDING, dstVersion));
        EntryOutcome outcome = processor.process(entry("tagged", src.versionId(), retagged));

        assertEquals(ObjectReplicator.Action.TAGS_UPDATED, outcome.result().action(),
                () -> String.valueOf(outcome.failure()));
        assertEquals(dstVersion, outcome.event().destinationVersionId());
        assertEquals(retagged.replicationFingerprint(), outcome.event().sourceFingerprint());
        assertEquals(Map.of("a", "2", "b", "3"), tagsOf("dst", "tagged", dstVersion));
        assertEquals(versionsBefore, versions("dst", "tagged").size(), "no new version for a tag change");

        ObjectMetadata untagged = retagged.withTags(Map.of());
        processor.process(entry("tagged", src.versionId(), untagged));
        assertEquals(Map.of(), tagsOf("dst", "tagged", dstVersion));
    }

    @Test
    void tagChangeWithoutKnownReplicaCopiesTheObject() {
        Source src = putSource("tagged2", "t2".getBytes(), Map.of(), Map.of("x", "y"), List.of("METADATA"));
        EntryOutcome outcome = processor.process(entry("tagged2", src.versionId(), src.md()));
        assertEquals(ObjectReplicator.Action.DATA_COPIED, outcome.result().action(),
                () -> String.valueOf(outcome.failure()));
        assertEquals(Map.of("x", "y"), tagsOf("dst", "tagged2", outcome.event().destinationVersionId()));
    }

    @Test
    void alreadyCompletedSiteIsSkipped() {
        Source src = putSource("done", "d".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        ObjectMetadata completed = src.md().withReplicationInfo(src.md().replicationInfo()
                .withSiteStatus(SITE, ReplicationStatus.COMPLETED, "v-at-dst"));
        EntryOutcome outcome = processor.process(entry("done", src.versionId(), completed));
        assertTrue(outcome.isSkipped());
        assertNull(outcome.event());
        assertTrue(versions("dst", "done").isEmpty());
    }

    @Test
    void replicaAndOtherSitesAndBucketEntriesAreSkipped() {
        Source src = putSource("other", "o".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        ObjectMetadata forB = src.md().withReplicationInfo(ReplicationInfo.pending(List.of("siteB"),
                List.of("DATA", "METADATA"), "arn:aws:s3:::dst", "", ""));
        assertTrue(processor.process(entry("other", src.versionId(), forB)).isSkipped());
        ObjectMetadata replica = src.md().withReplicationInfo(ReplicationInfo.parse(
                "{\"status\":\"REPLICA\",\"backends\":[],\"content\":[]}"));
        assertTrue(processor.process(entry("other", src.versionId(), replica)).isSkipped());
        assertTrue(processor.process(LogEntry.bucket(LogEntry.Type.PUT, "src", "{}", 1)).isSkipped());
        assertTrue(versions("dst", "other").isEmpty());
    }

    @Test
    void unversionedDestinationFailsFastWithReason() {
        EntryProcessor toPlain = new EntryProcessor(SITE, "dst-plain", SourceMetadataReader.ENTRY, replicator,
                fastRetrier);
        Source src = putSource("unv", "u".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        EntryOutcome outcome = toPlain.process(entry("unv", src.versionId(), src.md()));
        assertEquals(ReplicationStatus.FAILED, outcome.event().status());
        assertEquals("DstBucketUnversioned", outcome.event().reason());
        assertEquals(1, outcome.event().attempts(), "a final error is not retried");
        assertTrue(client.listObjectVersions(l -> l.bucket("dst-plain").prefix("unv")).versions().isEmpty());
    }

    @Test
    void aCopyInterruptedByTheTaskStoppingIsAbandonedNotFailed() {
        Source src = putSource("stopping", "s".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        Thread.currentThread().interrupt(); // what ReplicationEngine.close() does to its workers
        EntryOutcome outcome;
        try {
            outcome = processor.process(entry("stopping", src.versionId(), src.md()));
        } finally {
            Thread.interrupted();
        }
        assertTrue(outcome.isAbandoned(), () -> String.valueOf(outcome));
        assertFalse(outcome.isFailed());
        assertNull(outcome.event(), "no status event: the next owner of the partition replicates the entry");
    }

    @Test
    void missingDestinationBucketFailsWithReason() {
        EntryProcessor toMissing = new EntryProcessor(SITE, "no-such-bucket", SourceMetadataReader.ENTRY, replicator,
                fastRetrier);
        Source src = putSource("nobucket", "n".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        EntryOutcome outcome = toMissing.process(entry("nobucket", src.versionId(), src.md()));
        assertEquals("DstBucketNotFound", outcome.event().reason());
        assertFalse(outcome.failure().retryable());
    }

    @Test
    void missingSourceVersionFailsWithSourceReason() {
        Source src = putSource("nosrc", "n".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
        EntryOutcome outcome = processor.process(entry("nosrc-other-key", src.versionId(), src.md()));
        assertEquals(ReplicationStatus.FAILED, outcome.event().status());
        assertTrue(outcome.event().reason().startsWith("Src"), outcome.event().reason());
    }

    @Test
    void unreachableDestinationIsRetriedThenFails() throws Exception {
        S3Endpoint dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = new S3Endpoint(java.net.URI.create("http://127.0.0.1:" + s.getLocalPort()), "us-east-1", "a", "b");
        }
        try (S3Connection down = S3ClientFactory.connect(clientConfig(dead, "when_supported"))) {
            ObjectReplicator toDown = new ObjectReplicator(connection.s3(), down.s3(), parts, fastRetrier,
                    CopySettings.DEFAULTS);
            EntryProcessor p = new EntryProcessor(SITE, null, SourceMetadataReader.ENTRY, toDown, fastRetrier);
            Source src = putSource("down", "x".getBytes(), Map.of(), Map.of(), List.of("DATA", "METADATA"));
            EntryOutcome outcome = p.process(entry("down", src.versionId(), src.md()));
            assertEquals("DstUnreachable", outcome.event().reason());
            assertEquals(3, outcome.event().attempts(), "first attempt + 2 retries");
        }
    }
}
