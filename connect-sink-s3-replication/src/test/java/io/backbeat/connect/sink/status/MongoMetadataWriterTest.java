package io.backbeat.connect.sink.status;

import static io.backbeat.connect.sink.status.StatusFixtures.INTERNAL_VERSION;
import static io.backbeat.connect.sink.status.StatusFixtures.SITE_A;
import static io.backbeat.connect.sink.status.StatusFixtures.SITE_B;
import static io.backbeat.connect.sink.status.StatusFixtures.VERSION;
import static io.backbeat.connect.sink.status.StatusFixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

import io.backbeat.connect.model.KeyFormat;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.model.VersionIds;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.RetryPolicy;
import io.backbeat.connect.sink.status.MetadataWriter.Outcome;
import io.backbeat.connect.testbed.MongoTestServer;

/** The mongodb writer against the MongoDB of the test bed, with documents laid out as CloudServer writes them. */
class MongoMetadataWriterTest {

    private static final RetryPolicy FAST = new RetryPolicy(3, 5_000, 10, 50, 0, 2);
    private static MongoTestServer server;
    private static MongoClient client;
    private static MongoDatabase db;
    private static int bucketCounter;
    private String bucket;

    @BeforeAll
    static void start() {
        server = MongoTestServer.start();
        client = MongoClients.create(server.connectionString());
        db = client.getDatabase("metadata");
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newBucket() {
        bucket = "src-" + (++bucketCounter) + "-" + System.nanoTime();
    }

    private MongoCollection<BsonDocument> objects() {
        return db.getCollection(bucket, BsonDocument.class);
    }

    private void createBucket(KeyFormat format) {
        db.getCollection("__metastore", BsonDocument.class).insertOne(new BsonDocument("_id", new BsonString(bucket))
                .append("value", BsonDocument.parse("{\"name\": \"" + bucket + "\", \"versioningConfiguration\": "
                        + "{\"Status\": \"Enabled\"}}"))
                .append("vFormat", new BsonString(format.vFormat())));
    }

    /** A version document and, when {@code master}, the master holding that version (as after a PUT). */
    private void putVersion(KeyFormat format, String key, String internal, boolean master) {
        BsonDocument value = BsonDocument.parse(StatusFixtures.pendingValue(key, internal));
        objects().insertOne(new BsonDocument("_id", new BsonString(format.versionKey(key, internal)))
                .append("value", value));
        if (master) {
            objects().replaceOne(Filters.eq("_id", format.masterKey(key)),
                    new BsonDocument("_id", new BsonString(format.masterKey(key))).append("value", value.clone()),
                    new com.mongodb.client.model.ReplaceOptions().upsert(true));
        }
    }

    private ObjectMetadata stored(String id) {
        BsonDocument doc = objects().find(Filters.eq("_id", id)).first();
        return ObjectMetadata.parse(doc.getDocument("value").toJson(JsonWriterSettings.builder()
                .outputMode(JsonMode.RELAXED).build()));
    }

    private static ReplicationStatus site(ObjectMetadata md, String site) {
        return md.replicationInfo().backend(site).orElseThrow().status();
    }

    private MetadataWriter.Result apply(MongoMetadataWriter writer, StatusEvent e) throws Exception {
        return writer.update(e.bucket(), e.objectKey(), e.versionId(), md -> StatusApplier.decide(e, md));
    }

    private StatusEvent on(String site, ReplicationStatus status) {
        StatusEvent e = event(site, status);
        return new StatusEvent(bucket, e.objectKey(), e.versionId(), e.site(), e.status(), e.destinationVersionId(),
                e.reason(), e.attempts(), e.sourceWriteTimeMs(), e.replicatedTimeMs(), e.contentLength());
    }

    @Test
    void aCompletionOfAnOlderSourceStateLeavesVersionAndMasterPendingWithTheReplicaRecorded() throws Exception {
        createBucket(KeyFormat.V1);
        putVersion(KeyFormat.V1, "k3", INTERNAL_VERSION, true);
        String versionId = KeyFormat.V1.versionKey("k3", INTERNAL_VERSION);
        String copiedFingerprint = stored(versionId).replicationFingerprint();
        // the user tags the version while the copy runs (CloudServer rewrites version and master)
        for (String id : List.of(versionId, KeyFormat.V1.masterKey("k3"))) {
            objects().updateOne(Filters.eq("_id", id), Updates.set("value.tags.hello", "world"));
        }
        try (MongoMetadataWriter writer = new MongoMetadataWriter(server.connectionString(), "metadata", 5)) {
            StatusEvent stale = on(SITE_A, ReplicationStatus.COMPLETED).withSourceFingerprint(copiedFingerprint);
            assertEquals(Outcome.SOURCE_CHANGED, apply(writer, stale).outcome());
            for (String id : List.of(versionId, KeyFormat.V1.masterKey("k3"))) {
                ObjectMetadata md = stored(id);
                assertEquals(ReplicationStatus.PENDING, site(md, SITE_A), id);
                assertEquals("replica-of-site-a", md.replicationInfo().backend(SITE_A).orElseThrow()
                        .dataStoreVersionId(), id);
                assertEquals("world", md.tags().get("hello"), id);
            }
            StatusEvent fresh = on(SITE_A, ReplicationStatus.COMPLETED)
                    .withSourceFingerprint(stored(versionId).replicationFingerprint());
            assertEquals(Outcome.APPLIED, apply(writer, fresh).outcome());
            assertEquals(ReplicationStatus.COMPLETED, site(stored(versionId), SITE_A));
            assertEquals(ReplicationStatus.COMPLETED, site(stored(KeyFormat.V1.masterKey("k3")), SITE_A));
        }
    }

    @Test
    void updatesTheVersionAndTheMasterHoldingItWithoutTouchingAnythingElse() throws Exception {
        createBucket(KeyFormat.V1);
        putVersion(KeyFormat.V1, "k3", INTERNAL_VERSION, true);
        BsonDocument before = objects().find(Filters.eq("_id", KeyFormat.V1.versionKey("k3", INTERNAL_VERSION))).first();
        try (MongoMetadataWriter writer = new MongoMetadataWriter(server.connectionString(), "metadata", 5)) {
            MetadataWriter.Result r = apply(writer, on(SITE_A, ReplicationStatus.COMPLETED));
            assertEquals(Outcome.APPLIED, r.outcome());
            assertEquals(0, r.conflicts());
        }
        for (String id : List.of(KeyFormat.V1.versionKey("k3", INTERNAL_VERSION), KeyFormat.V1.masterKey("k3"))) {
            ObjectMetadata md = stored(id);
            assertEquals(ReplicationStatus.COMPLETED, site(md, SITE_A), id);
            assertEquals("replica-of-site-a", md.replicationInfo().backend(SITE_A).orElseThrow().dataStoreVersionId());
            assertEquals(ReplicationStatus.PROCESSING, md.replicationInfo().status(), id);
        }
        BsonDocument after = objects().find(Filters.eq("_id", KeyFormat.V1.versionKey("k3", INTERNAL_VERSION))).first();
        before.getDocument("value").remove("replicationInfo");
        after.getDocument("value").remove("replicationInfo");
        // BSON types included: content-length stays an int32, dates stay strings
        assertEquals(before, after);
    }

    @Test
    void v0KeysAndAMasterHoldingANewerVersionIsLeftAlone() throws Exception {
        createBucket(KeyFormat.V0);
        putVersion(KeyFormat.V0, "k3", INTERNAL_VERSION, true);
        String newer = VersionIds.generate(System.currentTimeMillis(), 1, "RG001");
        putVersion(KeyFormat.V0, "k3", newer, true);
        try (MongoMetadataWriter writer = new MongoMetadataWriter(server.connectionString(), "metadata", 5)) {
            assertEquals(Outcome.APPLIED, apply(writer, on(SITE_B, ReplicationStatus.FAILED)).outcome());
        }
        ObjectMetadata version = stored(KeyFormat.V0.versionKey("k3", INTERNAL_VERSION));
        assertEquals(ReplicationStatus.FAILED, site(version, SITE_B));
        assertEquals(ReplicationStatus.FAILED, version.replicationInfo().status());
        ObjectMetadata master = stored(KeyFormat.V0.masterKey("k3"));
        assertEquals(newer, master.versionId());
        assertEquals(ReplicationStatus.PENDING, master.replicationInfo().status());
    }

    @Test
    void aVersionDeletedOrBeingDeletedIsMissing() throws Exception {
        createBucket(KeyFormat.V1);
        try (MongoMetadataWriter writer = new MongoMetadataWriter(server.connectionString(), "metadata", 5)) {
            assertEquals(Outcome.VERSION_MISSING, apply(writer, on(SITE_A, ReplicationStatus.COMPLETED)).outcome());
            // CloudServer's delete: first value.deleted = true, then the delete itself
            putVersion(KeyFormat.V1, "k3", INTERNAL_VERSION, false);
            objects().updateOne(Filters.eq("_id", KeyFormat.V1.versionKey("k3", INTERNAL_VERSION)),
                    Updates.set("value.deleted", true));
            assertEquals(Outcome.VERSION_MISSING, apply(writer, on(SITE_A, ReplicationStatus.COMPLETED)).outcome());
            StatusEvent noBucket = new StatusEvent("no-such-bucket", "k3", VERSION, SITE_A,
                    ReplicationStatus.COMPLETED, "x", null, 1, 0, null, null);
            assertEquals(Outcome.VERSION_MISSING, apply(writer, noBucket).outcome());
        }
        assertEquals(ReplicationStatus.PENDING, site(stored(KeyFormat.V1.versionKey("k3", INTERNAL_VERSION)), SITE_A));
    }

    @Test
    void theNullVersionOfANonVersionedObjectIsItsMaster() throws Exception {
        createBucket(KeyFormat.V1);
        BsonDocument value = BsonDocument.parse(StatusFixtures.pendingValue("plain", INTERNAL_VERSION));
        value.remove("versionId");
        objects().insertOne(new BsonDocument("_id", new BsonString(KeyFormat.V1.masterKey("plain"))).append("value", value));
        StatusEvent e = new StatusEvent(bucket, "plain", null, SITE_A, ReplicationStatus.COMPLETED, "r1", null, 1, 0,
                null, null);
        try (MongoMetadataWriter writer = new MongoMetadataWriter(server.connectionString(), "metadata", 5)) {
            assertEquals(Outcome.APPLIED, apply(writer, e).outcome());
        }
        assertEquals(ReplicationStatus.COMPLETED, site(stored(KeyFormat.V1.masterKey("plain")), SITE_A));
    }

    /**
     * Two tasks complete the two sites of one version at the same moment: both read the same document, both
     * write. The conditional write lets exactly one through; the other sees the conflict, reads again and
     * writes on top. Nothing is lost.
     */
    @Test
    void twoSitesCompletingAtOnceLoseNoUpdate() throws Exception {
        createBucket(KeyFormat.V1);
        putVersion(KeyFormat.V1, "k3", INTERNAL_VERSION, true);
        String versionId = KeyFormat.V1.versionKey("k3", INTERNAL_VERSION);
        CyclicBarrier bothRead = new CyclicBarrier(2);
        AtomicInteger firstWrites = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<MongoMetadataWriter> writers = new ArrayList<>();
        try {
            List<Future<MetadataWriter.Result>> results = new ArrayList<>();
            for (String site : List.of(SITE_A, SITE_B)) {
                MongoMetadataWriter writer = new MongoMetadataWriter(server.connectionString(), "metadata", 5);
                writers.add(writer);
                AtomicBoolean waited = new AtomicBoolean();
                writer.beforeWrite(id -> {
                    if (id.equals(versionId) && !waited.getAndSet(true)) {
                        firstWrites.incrementAndGet();
                        bothRead.await(10, TimeUnit.SECONDS);
                    }
                });
                results.add(pool.submit(() -> apply(writer, on(site, ReplicationStatus.COMPLETED))));
            }
            int conflicts = 0;
            for (Future<MetadataWriter.Result> f : results) {
                MetadataWriter.Result r = f.get(30, TimeUnit.SECONDS);
                assertEquals(Outcome.APPLIED, r.outcome());
                conflicts += r.conflicts();
            }
            assertEquals(2, firstWrites.get());
            assertTrue(conflicts >= 1, "one of the two writes must have found the document changed");
        } finally {
            pool.shutdownNow();
            writers.forEach(MongoMetadataWriter::close);
        }
        for (String id : List.of(versionId, KeyFormat.V1.masterKey("k3"))) {
            ObjectMetadata md = stored(id);
            assertEquals(ReplicationStatus.COMPLETED, site(md, SITE_A), id);
            assertEquals(ReplicationStatus.COMPLETED, site(md, SITE_B), id);
            assertEquals(ReplicationStatus.COMPLETED, md.replicationInfo().status(), id);
        }
    }

    /** Many objects, both sites racing through the full applier path (retries, metrics) without any hook. */
    @Test
    void racingWritersOnManyObjectsEndAllCompleted() throws Exception {
        createBucket(KeyFormat.V1);
        int objects = 8;
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            String internal = VersionIds.generate(1_795_308_284_577L + i, i, "RG001");
            versions.add(internal);
            putVersion(KeyFormat.V1, "obj" + i, internal, true);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<StatusSinkMetrics> metrics = List.of(new StatusSinkMetrics(), new StatusSinkMetrics());
        List<MongoMetadataWriter> writers = new ArrayList<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                String site = s == 0 ? SITE_A : SITE_B;
                MongoMetadataWriter writer = new MongoMetadataWriter(server.connectionString(), "metadata", 10);
                writers.add(writer);
                StatusApplier applier = new StatusApplier(writer, new Retrier(FAST), metrics.get(s));
                done.add(pool.submit(() -> {
                    for (int i = 0; i < objects; i++) {
                        applier.apply(new StatusEvent(bucket, "obj" + i, VersionIds.encode(versions.get(i)), site,
                                ReplicationStatus.COMPLETED, "r", null, 1, 0, null, null));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            writers.forEach(MongoMetadataWriter::close);
        }
        assertEquals(objects, metrics.get(0).getEventsApplied());
        assertEquals(objects, metrics.get(1).getEventsApplied());
        for (int i = 0; i < objects; i++) {
            for (String id : List.of(KeyFormat.V1.versionKey("obj" + i, versions.get(i)), KeyFormat.V1.masterKey("obj" + i))) {
                ObjectMetadata md = stored(id);
                assertEquals(ReplicationStatus.COMPLETED, md.replicationInfo().status(), id);
            }
        }
    }

    /** CloudServer changes the tags between our read and our write: the write is redone, the tags are kept. */
    @Test
    void aConcurrentChangeByCloudServerIsNotOverwritten() throws Exception {
        createBucket(KeyFormat.V1);
        putVersion(KeyFormat.V1, "k3", INTERNAL_VERSION, false);
        String versionId = KeyFormat.V1.versionKey("k3", INTERNAL_VERSION);
        StatusSinkMetrics metrics = new StatusSinkMetrics();
        try (MongoMetadataWriter writer = new MongoMetadataWriter(server.connectionString(), "metadata", 5)) {
            AtomicBoolean once = new AtomicBoolean();
            writer.beforeWrite(id -> {
                if (!once.getAndSet(true)) {
                    objects().updateOne(Filters.eq("_id", versionId), Updates.set("value.tags", new BsonDocument("color",
                            new BsonString("red"))));
                }
            });
            assertEquals(Outcome.APPLIED, new StatusApplier(writer, new Retrier(FAST), metrics)
                    .apply(on(SITE_A, ReplicationStatus.COMPLETED)));
        }
        assertEquals(1, metrics.getConflictsRetried());
        ObjectMetadata md = stored(versionId);
        assertEquals("red", md.tags().get("color"));
        assertEquals(ReplicationStatus.COMPLETED, site(md, SITE_A));
    }
}
