package io.backbeat.connect.sandbox.sourcesite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.backbeat.connect.model.MetadataJson;
import io.backbeat.connect.model.VersionIds;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetBucketReplicationResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ReplicationStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * Drives the emulator through the scenario of the real CloudServer 8.8 trace (fixtures/cloudserver-8.8,
 * steps.jsonl) with the AWS SDK and compares every MongoDB write and the final documents with the trace.
 */
class CloudServerConformanceTest {

    private static SiteHarness harness;
    private static final Map<String, String> VERSIONS = new LinkedHashMap<>();
    private static final List<String> SCENARIO_CHECKS = new ArrayList<>();

    @BeforeAll
    static void runScenario() throws Exception {
        harness = new SiteHarness(b -> b.replicationGroupId("RG001"));
        // the recorded run used the aws CLI, which sends no Content-Type unless asked; the SDK always does
        try (S3Client s3 = harness.s3(c -> c.overrideConfiguration(o -> o.addExecutionInterceptor(
                new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                    @Override
                    public software.amazon.awssdk.http.SdkHttpRequest modifyHttpRequest(
                            software.amazon.awssdk.core.interceptor.Context.ModifyHttpRequest context,
                            software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                        software.amazon.awssdk.http.SdkHttpRequest r = context.httpRequest();
                        return r.firstMatchingHeader("Content-Type").filter("binary/octet-stream"::equals)
                                .or(() -> r.firstMatchingHeader("Content-Type")
                                        .filter("application/octet-stream"::equals))
                                .isPresent() ? r.toBuilder().removeHeader("Content-Type").build() : r;
                    }
                })))) {
            scenario(s3);
        }
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void scenario(S3Client s3) throws Exception {
        // a. buckets
        s3.createBucket(r -> r.bucket("src"));
        s3.putBucketVersioning(r -> r.bucket("src").versioningConfiguration(v -> v.status(
                BucketVersioningStatus.ENABLED)));
        s3.putBucketReplication(r -> r.bucket("src").replicationConfiguration(c -> c
                .role("arn:aws:iam::123456789012:role/src-resource,arn:aws:iam::123456789012:role/dst-resource")
                .rules(SiteHarness.v1Rule("rule1", true, "arn:aws:s3:::dst-bucket", "zenko"))));
        s3.createBucket(r -> r.bucket("plain"));
        assertEquals(BucketVersioningStatus.ENABLED, s3.getBucketVersioning(r -> r.bucket("src")).status());
        GetBucketReplicationResponse repl = s3.getBucketReplication(r -> r.bucket("src"));
        assertEquals("zenko", repl.replicationConfiguration().rules().get(0).destination().storageClassAsString());
        assertEquals("arn:aws:s3:::dst-bucket", repl.replicationConfiguration().rules().get(0).destination().bucket());

        // b. objects (same sizes as the recorded run)
        VERSIONS.put("k1.v1", s3.putObject(r -> r.bucket("src").key("k1"), RequestBody.fromBytes(data(12, 1)))
                .versionId());
        VERSIONS.put("k1.v2", s3.putObject(r -> r.bucket("src").key("k1"), RequestBody.fromBytes(data(24, 2)))
                .versionId());
        VERSIONS.put("k2.v1", s3.putObject(r -> r.bucket("src").key("dir/k2").metadata(Map.of("a", "b"))
                .contentType("text/plain"), RequestBody.fromBytes(data(8, 3))).versionId());
        HeadObjectResponse k1 = s3.headObject(r -> r.bucket("src").key("k1"));
        assertEquals(ReplicationStatus.PENDING, k1.replicationStatus());
        assertEquals(VERSIONS.get("k1.v2"), k1.versionId());
        assertEquals(24L, k1.contentLength());
        assertEquals(12L, s3.headObject(r -> r.bucket("src").key("k1").versionId(VERSIONS.get("k1.v1")))
                .contentLength());

        // c. tagging on the latest version
        assertEquals(VERSIONS.get("k1.v2"), s3.putObjectTagging(r -> r.bucket("src").key("k1").tagging(t -> t
                .tagSet(Tag.builder().key("color").value("blue").build()))).versionId());
        assertEquals("blue", s3.getObjectTagging(r -> r.bucket("src").key("k1")).tagSet().get(0).value());
        assertEquals(VERSIONS.get("k1.v2"), s3.deleteObjectTagging(r -> r.bucket("src").key("k1")).versionId());
        assertTrue(s3.getObjectTagging(r -> r.bucket("src").key("k1")).tagSet().isEmpty());

        // d. multipart upload: 5 MiB + 1 MiB
        String uploadId = s3.createMultipartUpload(r -> r.bucket("src").key("big")).uploadId();
        String e1 = s3.uploadPart(r -> r.bucket("src").key("big").uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(data(5 * 1024 * 1024, 4))).eTag();
        String e2 = s3.uploadPart(r -> r.bucket("src").key("big").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(data(1024 * 1024, 5))).eTag();
        var done = s3.completeMultipartUpload(r -> r.bucket("src").key("big").uploadId(uploadId).multipartUpload(m -> m
                .parts(CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build())));
        VERSIONS.put("big.v1", done.versionId());
        assertTrue(done.eTag().endsWith("-2\""), done.eTag());
        HeadObjectResponse big = s3.headObject(r -> r.bucket("src").key("big"));
        assertEquals(6291456L, big.contentLength());
        assertEquals(ReplicationStatus.PENDING, big.replicationStatus());

        // e. delete marker, permanent delete of a version
        DeleteObjectResponse dm = s3.deleteObject(r -> r.bucket("src").key("k1"));
        assertTrue(dm.deleteMarker());
        VERSIONS.put("k1.dm", dm.versionId());
        s3.deleteObject(r -> r.bucket("src").key("dir/k2").versionId(VERSIONS.get("k2.v1")));
        S3Exception gone = assertThrows(S3Exception.class, () -> s3.headObject(r -> r.bucket("src").key("k1")));
        assertEquals(404, gone.statusCode());
        assertEquals(404, assertThrows(S3Exception.class, () -> s3.headObject(r -> r.bucket("src").key("dir/k2")))
                .statusCode());
        ListObjectVersionsResponse versions = s3.listObjectVersions(r -> r.bucket("src"));
        assertEquals(List.of(VERSIONS.get("big.v1"), VERSIONS.get("k1.v2"), VERSIONS.get("k1.v1")),
                versions.versions().stream().map(v -> v.versionId()).toList());
        assertEquals(List.of(true, false, false), versions.versions().stream().map(v -> v.isLatest()).toList());
        assertEquals(1, versions.deleteMarkers().size());
        assertEquals(VERSIONS.get("k1.dm"), versions.deleteMarkers().get(0).versionId());
        assertTrue(versions.deleteMarkers().get(0).isLatest());

        // f. non-versioned bucket
        assertNull(s3.putObject(r -> r.bucket("plain").key("p1"), RequestBody.fromBytes(data(5, 6))).versionId());
        s3.putObject(r -> r.bucket("plain").key("p1"), RequestBody.fromBytes(data(18, 7)));
        HeadObjectResponse p1 = s3.headObject(r -> r.bucket("plain").key("p1"));
        assertEquals(18L, p1.contentLength());
        assertNull(p1.replicationStatus());
        assertNull(p1.versionId());
        s3.deleteObject(r -> r.bucket("plain").key("p1"));
        assertEquals(404, assertThrows(S3Exception.class, () -> s3.headObject(r -> r.bucket("plain").key("p1")))
                .statusCode());

        // g. copy from an older version
        CopyObjectResponse copy = s3.copyObject(r -> r.sourceBucket("src").sourceKey("k1")
                .sourceVersionId(VERSIONS.get("k1.v1")).destinationBucket("src").destinationKey("k3"));
        assertEquals(VERSIONS.get("k1.v1"), copy.copySourceVersionId());
        VERSIONS.put("k3.v1", copy.versionId());
        assertEquals(12L, s3.headObject(r -> r.bucket("src").key("k3")).contentLength());

        // h. backbeat route: read k1 v1's metadata, write it back with the site COMPLETED
        String route = "/_/backbeat/metadata/src/k1?versionId=" + VERSIONS.get("k1.v1");
        HttpResponse<String> got = harness.signed("GET", route, null, Map.of());
        assertEquals(200, got.statusCode(), got.body());
        ObjectNode md = MetadataJson.parseObject(MetadataJson.parseObject(got.body(), "answer").get("Body")
                .textValue(), "Body");
        assertEquals("PENDING", md.get("replicationInfo").get("status").textValue());
        ((ObjectNode) md.get("replicationInfo")).put("status", "COMPLETED");
        ((ObjectNode) md.get("replicationInfo").get("backends").get(0)).put("status", "COMPLETED");
        HttpResponse<String> put = harness.signed("PUT", route, MetadataJson.write(md), Map.of());
        assertEquals(200, put.statusCode(), put.body());
        assertEquals(ReplicationStatus.COMPLETED, s3.headObject(r -> r.bucket("src").key("k1")
                .versionId(VERSIONS.get("k1.v1"))).replicationStatus());

        // i. rule disabled: new objects are not replicated
        s3.putBucketReplication(r -> r.bucket("src").replicationConfiguration(c -> c
                .role("arn:aws:iam::123456789012:role/src-resource,arn:aws:iam::123456789012:role/dst-resource")
                .rules(SiteHarness.v1Rule("rule1", false, "arn:aws:s3:::dst-bucket", "zenko"))));
        VERSIONS.put("k4.v1", s3.putObject(r -> r.bucket("src").key("k4"), RequestBody.fromBytes(data(8, 8)))
                .versionId());
        HeadObjectResponse k4 = s3.headObject(r -> r.bucket("src").key("k4"));
        assertNull(k4.replicationStatus());
        assertEquals(VERSIONS.get("k4.v1"), k4.versionId());
    }

    @Test
    void writesMatchTheRecordedCloudServerTrace() throws Exception {
        List<BsonDocument> expected = WriteTrace.fixture();
        List<BsonDocument> actual = WriteTrace.recorded(new ArrayList<>(harness.writes));
        TraceNormalizer ne = new TraceNormalizer();
        TraceNormalizer na = new TraceNormalizer();
        List<String> e = new ArrayList<>();
        List<String> a = new ArrayList<>();
        expected.forEach(s -> e.add(ne.normalize(s).asDocument().toJson()));
        actual.forEach(s -> a.add(na.normalize(s).asDocument().toJson()));

        // the multipart clean-up (fixture seq 30..38) runs concurrently in CloudServer: compare it per key
        int from = 29;
        int to = 38;
        List<String> problems = new ArrayList<>();
        if (a.size() != e.size()) {
            problems.add("expected " + e.size() + " write statements, got " + a.size());
        }
        for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
            if (i >= from && i < to) {
                continue;
            }
            if (!e.get(i).equals(a.get(i))) {
                problems.add("write #" + (i + 1) + ": " + firstDifference(e.get(i), a.get(i)));
            }
        }
        if (a.size() >= to) {
            Map<String, List<String>> eByKey = byTarget(expected.subList(from, to), e.subList(from, to));
            Map<String, List<String>> aByKey = byTarget(actual.subList(from, to), a.subList(from, to));
            if (!eByKey.equals(aByKey)) {
                problems.add("multipart clean-up: " + firstDifference(eByKey.toString(), aByKey.toString()));
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " differences from the CloudServer 8.8 trace:\n" + String.join("\n", problems));
        }
    }

    /** Where two normalised JSON texts part, with some context. */
    static String firstDifference(String expected, String actual) {
        int i = 0;
        while (i < expected.length() && i < actual.length() && expected.charAt(i) == actual.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 120);
        return "\n  expected ..." + expected.substring(from, Math.min(expected.length(), i + 120))
                + "\n  actual   ..." + actual.substring(from, Math.min(actual.length(), i + 120));
    }

    private static Map<String, List<String>> byTarget(List<BsonDocument> raw, List<String> normalized) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (int i = 0; i < raw.size(); i++) {
            out.computeIfAbsent(normalized.get(i).replaceAll(".*?\"_id\": \"([^\"]*)\".*", "$1"),
                    k -> new ArrayList<>()).add(normalized.get(i));
        }
        return out;
    }

    @Test
    void finalDocumentsMatchTheRecordedDump() throws Exception {
        BsonDocument dump = BsonDocument.parse(Files.readString(WriteTrace.FIXTURE.resolve("final-dump.json")));
        TraceNormalizer ne = new TraceNormalizer();
        TraceNormalizer na = new TraceNormalizer();
        List<String> problems = new ArrayList<>();
        try (MongoClient client = MongoClients.create(harness.mongoUri)) {
            MongoDatabase db = client.getDatabase("metadata");
            List<String> names = new ArrayList<>();
            db.listCollectionNames().forEach(n -> {
                if (!n.startsWith("system.")) {
                    names.add(n);
                }
            });
            List<String> expectedNames = new ArrayList<>();
            for (BsonValue c : dump.getArray("collections")) {
                expectedNames.add(c.asDocument().getString("name").getValue());
            }
            assertEquals(new java.util.TreeSet<>(expectedNames), new java.util.TreeSet<>(names));
            for (BsonValue c : dump.getArray("collections")) {
                String name = c.asDocument().getString("name").getValue();
                List<BsonDocument> expected = sorted(c.asDocument().getArray("documents"));
                BsonArray actualArray = new BsonArray();
                db.getCollection(name, BsonDocument.class).find().forEach(actualArray::add);
                List<BsonDocument> actual = sorted(actualArray);
                if (expected.size() != actual.size()) {
                    problems.add(name + ": expected " + expected.size() + " documents, got " + actual.size());
                    continue;
                }
                for (int i = 0; i < expected.size(); i++) {
                    String ej = ne.normalize(expected.get(i)).asDocument().toJson();
                    String aj = na.normalize(actual.get(i)).asDocument().toJson();
                    if (!ej.equals(aj)) {
                        problems.add(name + " document " + i + ": " + firstDifference(ej, aj));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    private static List<BsonDocument> sorted(BsonArray docs) {
        List<BsonDocument> out = new ArrayList<>();
        docs.forEach(d -> out.add(d.asDocument()));
        out.sort((x, y) -> x.getString("_id").getValue().compareTo(y.getString("_id").getValue()));
        return out;
    }

    @Test
    void timesAndIdsFollowCloudServerRules() {
        // an overwrite keeps the creation time of the object it replaces
        List<BsonDocument> w = WriteTrace.recorded(new ArrayList<>(harness.writes));
        BsonDocument firstK1 = w.get(11).getDocument("u").getDocument("$set").getDocument("value");
        BsonDocument secondK1 = w.get(13).getDocument("u").getDocument("$set").getDocument("value");
        assertEquals(firstK1.getString("last-modified"), secondK1.getString("creation-time"));
        assertFalse(firstK1.containsKey("creation-time"));
        // internal ids decrease over time and S3 clients see their hex encoding
        List<String> internal = new ArrayList<>();
        for (String k : List.of("k1.v1", "k1.v2", "k2.v1", "big.v1", "k1.dm", "k3.v1", "k4.v1")) {
            String i = VersionIds.decode(VERSIONS.get(k));
            assertEquals(VersionIds.hexEncode(i), VERSIONS.get(k));
            assertTrue(i.substring(20, 27).equals("RG001  "), i);
            internal.add(i);
        }
        for (int i = 1; i < internal.size(); i++) {
            assertTrue(internal.get(i).compareTo(internal.get(i - 1)) < 0, internal.toString());
        }
    }

    @Test
    void backbeatRouteServesStoredMetadata() throws Exception {
        HttpResponse<String> got = harness.signed("GET", "/_/backbeat/metadata/src/k1?versionId="
                + VERSIONS.get("k1.dm"), null, Map.of());
        assertEquals(200, got.statusCode());
        JsonNode md = MetadataJson.parseObject(MetadataJson.parseObject(got.body(), "answer").get("Body")
                .textValue(), "Body");
        assertTrue(md.get("isDeleteMarker").booleanValue());
        assertEquals("[\"METADATA\"]", md.get("replicationInfo").get("content").toString());
        assertEquals(VersionIds.decode(VERSIONS.get("k1.dm")), md.get("versionId").textValue());
        HttpResponse<String> missing = harness.signed("GET", "/_/backbeat/metadata/src/nope?versionId="
                + VERSIONS.get("k1.dm"), null, Map.of());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("<Code>NoSuchKey</Code>"), missing.body());
        String body = new String(missing.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertTrue(body.contains("nope"), body);
    }
}
