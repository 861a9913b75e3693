package io.backbeat.connect.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.backbeat.connect.model.Fixtures.StoredDoc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every document CloudServer 8.8 wrote in the recorded scenario decodes, and round-trips losslessly. */
class CloudServerFixturesTest {

    private static final Map<String, String> VFORMATS = new HashMap<>();

    static {
        for (StoredDoc d : Fixtures.finalDump()) {
            if (d.collection().equals(BucketInfo.METASTORE)) {
                VFORMATS.put(d.id(), d.document().getString("vFormat").getValue());
            }
        }
    }

    static Stream<StoredDoc> allDocuments() {
        List<StoredDoc> all = new ArrayList<>(Fixtures.finalDump());
        all.addAll(Fixtures.postImages());
        return all.stream();
    }

    @Test
    void fixturesAreAllRead() {
        assertEquals(15, Fixtures.finalDump().size(), "documents in final-dump.json");
        assertEquals(44, Fixtures.postImages().size(), "non-null post-images in postimages.jsonl");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allDocuments")
    void everyDocumentDecodesAndRoundTrips(StoredDoc stored) {
        String json = stored.relaxedJson();
        // what the source connector hands over: relaxed Extended JSON, numbers plain
        assertFalse(json.contains("$numberInt"), json);
        assertFalse(json.contains("$numberLong"), json);

        MetadataDocument doc = MetadataDocument.parse(json);
        assertEquals(stored.id(), doc.id());
        assertEquals(stored.document(), BsonDocument.parse(doc.toJson()), "document round-trip");

        switch (stored.collection()) {
            case BucketInfo.METASTORE -> {
                BucketInfo bucket = BucketInfo.fromMetastoreDocument(json);
                assertEquals(stored.id(), bucket.name());
                assertEquals(stored.document(), BsonDocument.parse(bucket.toMetastoreDocument()), "bucket round-trip");
                assertNotNull(bucket.keyFormat());
                assertNotNull(bucket.creationDate());
                if (bucket.replicationConfiguration() != null) {
                    assertFalse(bucket.replicationConfiguration().rules().isEmpty());
                }
            }
            case "__usersbucket" -> assertNotNull(doc.value());
            default -> decodeObjectDocument(stored, doc);
        }
    }

    private static void decodeObjectDocument(StoredDoc stored, MetadataDocument doc) {
        String vFormat = VFORMATS.get(stored.collection());
        assertNotNull(vFormat, "bucket " + stored.collection() + " has a __metastore entry");
        MetadataKey key = MetadataKey.parse(doc.id(), KeyFormat.fromVFormat(vFormat));
        assertEquals(key, MetadataKey.parse(doc.id()), "format recognised from the key itself");

        ObjectMetadata md = doc.objectMetadata();
        assertEquals(stored.value(), BsonDocument.parse(md.toJson()), "metadata round-trip");
        assertEquals(md, ObjectMetadata.parse(md.toJson()));

        if (!stored.collection().startsWith("mpuShadowBucket")) {
            assertEquals(md.key(), key.objectKey(), "key in value matches _id");
            if (key.isVersion()) {
                assertEquals(key.internalVersionId(), md.versionId(), "version id in value matches _id");
            }
            assertNotNull(md.lastModified());
            assertTrue(md.contentLength() >= 0);
            long located = md.location().stream().mapToLong(DataLocation::size).sum();
            assertEquals(md.isDeleteMarker() ? 0 : md.contentLength(), located, "location covers the content");
            if (md.versionId() != null) {
                assertEquals(md.versionId(), VersionIds.decode(md.externalVersionId()));
            }
        }
        // every accessor decodes
        md.contentMd5();
        md.contentType();
        md.contentLanguage();
        md.cacheControl();
        md.expires();
        md.creationTime();
        md.ownerId();
        md.uploadId();
        md.originOp();
        md.userMetadata();
        md.tags();
        md.isPhd();
        md.isDeleted();
        md.isNull();
        md.replicationInfo().backends();
        md.replicationInfo().isNfs();
        md.multipartPartCount();
    }

    @Test
    void deleteMarker() {
        StoredDoc stored = Fixtures.postImage(39);
        ObjectMetadata md = MetadataDocument.parse(stored.relaxedJson()).objectMetadata();
        MetadataKey key = MetadataKey.parse(stored.id());
        assertTrue(key.isVersion());
        assertEquals("k1", key.objectKey());
        assertTrue(md.isDeleteMarker());
        assertEquals(0, md.contentLength());
        assertTrue(md.location().isEmpty());
        assertEquals("s3:ObjectRemoved:DeleteMarkerCreated", md.originOp());
        assertEquals(ReplicationStatus.PENDING, md.replicationInfo().status());
        assertEquals(List.of("METADATA"), md.replicationInfo().content());
        assertEquals(versionsJson("k1.dm", "internalVersionId"), md.versionId());
        assertEquals(versionsJson("k1.dm", "s3VersionId"), md.externalVersionId());
    }

    @Test
    void placeholderMaster() {
        ObjectMetadata md = MetadataDocument.parse(Fixtures.postImage(41).relaxedJson()).objectMetadata();
        assertTrue(md.isPhd());
        assertFalse(md.isDeleted());
        // the placeholder's delete is journalled as an update with deleted: true
        ObjectMetadata deleted = MetadataDocument.parse(Fixtures.postImage(43).relaxedJson()).objectMetadata();
        assertTrue(deleted.isPhd());
        assertTrue(deleted.isDeleted());
    }

    @Test
    void multipartObject() {
        StoredDoc stored = Fixtures.finalDoc("src", "\u007fMbig");
        ObjectMetadata md = ObjectMetadata.parse(stored.value().toJson(Fixtures.RELAXED));
        assertEquals(6291456L, md.contentLength());
        assertTrue(md.contentMd5().endsWith("-2"));
        assertEquals(2, md.multipartPartCount());
        assertEquals("25c9730aaec740ce947ec18a081f5f6a", md.uploadId());
        List<DataLocation> parts = md.location();
        assertEquals(2, parts.size());
        assertEquals(new DataLocation("4", 5242880L, 0L, "mem", null, "1:cc0cc3058eacd967aeb571f38f5aca3c", null),
                parts.get(0));
        assertEquals(1, parts.get(0).partNumber());
        assertEquals("cc0cc3058eacd967aeb571f38f5aca3c", parts.get(0).partETag());
        assertEquals(5242880L, parts.get(1).start());
        assertEquals(1048576L, parts.get(1).size());
        assertEquals(2, parts.get(1).partNumber());
        assertEquals("s3:ObjectCreated:CompleteMultipartUpload", md.originOp());
    }

    @Test
    void nonVersionedMaster() {
        StoredDoc stored = Fixtures.postImage(46);
        assertEquals("plain", stored.collection());
        MetadataKey key = MetadataKey.parse(stored.id(), KeyFormat.V1);
        assertTrue(key.isMaster());
        assertEquals("p1", key.objectKey());
        ObjectMetadata md = MetadataDocument.parse(stored.relaxedJson()).objectMetadata();
        assertNull(md.versionId());
        assertNull(md.externalVersionId());
        assertFalse(md.isNull());
        assertEquals(5L, md.contentLength());
        assertTrue(md.replicationInfo().isEmpty());
        assertNull(md.replicationInfo().status());
    }

    @Test
    void metastoreBucketDocuments() {
        BucketInfo src = BucketInfo.fromMetastoreDocument(Fixtures.finalDoc("__metastore", "src").relaxedJson());
        assertEquals("src", src.name());
        assertEquals(KeyFormat.V1, src.keyFormat());
        assertTrue(src.isVersioningEnabled());
        assertFalse(src.isTransient());
        assertEquals(Instant.parse("2026-11-22T00:44:30.245Z"), src.creationDate());
        ReplicationConfiguration rc = src.replicationConfiguration();
        assertEquals("arn:aws:s3:::dst-bucket", rc.destination());
        assertEquals("dst-bucket", rc.destinationBucket());
        assertEquals("arn:aws:iam::123456789012:role/src-resource,arn:aws:iam::123456789012:role/dst-resource",
                rc.role());
        assertEquals(List.of(new ReplicationRule("rule1", "", false, "zenko")), rc.rules());
        assertTrue(rc.ruleFor("k4").isEmpty(), "rule disabled in step i");

        // step a: the rule as first configured, enabled
        BucketInfo enabled = BucketInfo.fromMetastoreDocument(Fixtures.postImage(7).relaxedJson());
        ReplicationRule rule = enabled.replicationConfiguration().ruleFor("dir/k2").orElseThrow();
        assertEquals(List.of("zenko"), rule.sites());

        BucketInfo creating = BucketInfo.fromMetastoreDocument(Fixtures.postImage(2).relaxedJson());
        assertTrue(creating.isTransient());
        assertNull(creating.replicationConfiguration());
        assertNull(creating.versioningStatus());

        BucketInfo shadow = BucketInfo.fromMetastoreDocument(
                Fixtures.finalDoc("__metastore", "mpuShadowBucketsrc").relaxedJson());
        assertEquals(KeyFormat.V0, shadow.keyFormat());
    }

    @Test
    void emptyReplicationInfo() {
        ObjectMetadata md = ObjectMetadata.parse(Fixtures.finalDoc("src", "\u007fMk4").value().toJson(Fixtures.RELAXED));
        ReplicationInfo info = md.replicationInfo();
        assertTrue(info.isEmpty());
        assertNull(info.status());
        assertTrue(info.backends().isEmpty());
        assertTrue(info.content().isEmpty());
        assertEquals("", info.destination());
        assertFalse(info.isNfs());
        assertEquals(versionsJson("k4.v1", "s3VersionId"), md.externalVersionId());
    }

    @Test
    void taggedObject() {
        ObjectMetadata md = MetadataDocument.parse(Fixtures.postImage(18).relaxedJson()).objectMetadata();
        assertEquals(Map.of("color", "blue"), md.tags());
        assertEquals("s3:ObjectTagging:Put", md.originOp());
        assertEquals(List.of("METADATA"), md.replicationInfo().content());
        // delete-object-tagging (step c) leaves an empty tag set
        ObjectMetadata untagged = MetadataDocument.parse(Fixtures.postImage(20).relaxedJson()).objectMetadata();
        assertTrue(untagged.tags().isEmpty());
    }

    @Test
    void userMetadataAndContentType() {
        ObjectMetadata md = MetadataDocument.parse(Fixtures.postImage(16).relaxedJson()).objectMetadata();
        assertEquals(Map.of("x-amz-meta-a", "b"), md.userMetadata());
        assertEquals(Map.of("a", "b"), md.userMetadataWithoutPrefix());
        assertEquals("text/plain", md.contentType());
        assertNull(md.contentLanguage(), "empty header is absent");
    }

    @Test
    void completedWriteBackMatchesCloudServer() {
        ObjectMetadata written = MetadataDocument.parse(Fixtures.postImage(12).relaxedJson()).objectMetadata();
        ObjectMetadata completed = MetadataDocument.parse(Fixtures.postImage(51).relaxedJson()).objectMetadata();
        assertEquals(ReplicationStatus.COMPLETED, completed.replicationInfo().status());
        assertEquals(ReplicationStatus.COMPLETED, completed.replicationInfo().backend("zenko").orElseThrow().status());

        // what a status writer does, starting from the version as first written: the same bytes as step h
        ObjectMetadata ours = written.withReplicationInfo(
                written.replicationInfo().withSiteStatus("zenko", ReplicationStatus.COMPLETED, ""));
        assertEquals(Fixtures.postImage(51).value(), BsonDocument.parse(ours.toJson()));
        assertEquals(completed, ours);
    }

    private static String versionsJson(String name, String field) {
        JsonNode v = MetadataJson.parseObject(Fixtures.read("versions.json"), "versions.json").get(name);
        return v.get(field).asText();
    }
}
