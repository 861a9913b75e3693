package io.backbeat.connect.sandbox.sourcesite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.backbeat.connect.model.VersionIds;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ReplicationStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The S3 surface of the emulator: signatures, payload modes, errors, reads, deletes, replicas. */
class SourceSiteS3Test {

    private static SiteHarness harness;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        harness = new SiteHarness(b -> b.placeholderRepairDelay(Duration.ofMillis(200)));
        s3 = harness.s3();
        s3.createBucket(r -> r.bucket("bkt"));
        s3.putBucketVersioning(r -> r.bucket("bkt").versioningConfiguration(v -> v
                .status(BucketVersioningStatus.ENABLED)));
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    private static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void wrongSecretOrUnknownKeyIsRefusedWithTheS3Error() {
        try (S3Client wrongSecret = harness.s3("accessKey1", "notTheSecret", RequestChecksumCalculation.WHEN_REQUIRED);
                S3Client unknownKey = harness.s3("noSuchKey", "verySecretKey1",
                        RequestChecksumCalculation.WHEN_REQUIRED)) {
            S3Exception e = assertThrows(S3Exception.class, () -> wrongSecret.listBuckets());
            assertEquals(403, e.statusCode());
            assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
            S3Exception put = assertThrows(S3Exception.class, () -> wrongSecret.putObject(r -> r.bucket("bkt")
                    .key("x"), RequestBody.fromString("data")));
            assertEquals("SignatureDoesNotMatch", put.awsErrorDetails().errorCode());
            S3Exception k = assertThrows(S3Exception.class, () -> unknownKey.listBuckets());
            assertEquals(403, k.statusCode());
            assertEquals("InvalidAccessKeyId", k.awsErrorDetails().errorCode());
        }
    }

    @Test
    void unsignedRequestsAreRefused() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                harness.site.endpoint().resolve("/bkt/x")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("<Code>AccessDenied</Code>"), r.body());
    }

    @Test
    void bothSdkPayloadModesStoreTheBytesSent() {
        byte[] body = data(300_000, 11); // more than one aws-chunked chunk
        // WHEN_SUPPORTED: aws-chunked with signed chunks and a signed CRC32 trailer; WHEN_REQUIRED: signed chunks
        for (RequestChecksumCalculation mode : RequestChecksumCalculation.values()) {
            try (S3Client c = harness.s3("accessKey1", "verySecretKey1", mode)) {
                String key = "modes/" + mode;
                c.putObject(r -> r.bucket("bkt").key(key), RequestBody.fromBytes(body));
                assertArrayEquals(body, c.getObjectAsBytes(r -> r.bucket("bkt").key(key)).asByteArray(),
                        "round trip with " + mode);
            }
        }
    }

    @Test
    void bodyNotMatchingTheSignedHashIsRefused() throws Exception {
        HttpResponse<String> r = harness.signed("PUT", "/bkt/tampered", "signed body", Map.of(), "other body!");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("<Code>XAmzContentSHA256Mismatch</Code>"), r.body());
        assertEquals(404, assertThrows(S3Exception.class, () -> s3.headObject(h -> h.bucket("bkt")
                .key("tampered"))).statusCode());
    }

    @Test
    void presignedUrlsAreVerified() throws Exception {
        s3.putObject(r -> r.bucket("bkt").key("presigned"), RequestBody.fromString("hello presigned"));
        try (S3Presigner p = S3Presigner.builder().endpointOverride(harness.site.endpoint())
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(true).build())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials
                        .create("accessKey1", "verySecretKey1")).build()) {
            URL url = p.presignGetObject(g -> g.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(r -> r.bucket("bkt").key("presigned"))).url();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(url.toURI()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("hello presigned", ok.body());
            String tampered = url.toString().replace("presigned?", "presigned2?");
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(java.net.URI.create(tampered)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, bad.statusCode());
            assertTrue(bad.body().contains("SignatureDoesNotMatch"), bad.body());
        }
    }

    @Test
    void expectContinueIsAnsweredWithAReasonPhrase() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", harness.site.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /bkt/continue HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 100 Continue", in.readLine());
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.isEmpty());
            out.write("data".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(in.readLine().startsWith("HTTP/1.1 403"));
        }
    }

    @Test
    void rangesAndPartNumbersSelectBytes() {
        byte[] small = data(20, 12);
        s3.putObject(r -> r.bucket("bkt").key("ranged"), RequestBody.fromBytes(small));
        assertArrayEquals(Arrays.copyOfRange(small, 2, 6), s3.getObjectAsBytes(r -> r.bucket("bkt").key("ranged")
                .range("bytes=2-5")).asByteArray());
        assertArrayEquals(Arrays.copyOfRange(small, 17, 20), s3.getObjectAsBytes(r -> r.bucket("bkt")
                .key("ranged").range("bytes=-3")).asByteArray());
        ResponseBytes<GetObjectResponse> tail = s3.getObjectAsBytes(r -> r.bucket("bkt").key("ranged")
                .range("bytes=10-"));
        assertArrayEquals(Arrays.copyOfRange(small, 10, 20), tail.asByteArray());
        assertEquals("bytes 10-19/20", tail.response().contentRange());
        S3Exception unsatisfiable = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(r -> r.bucket("bkt")
                .key("ranged").range("bytes=100-")));
        assertEquals(416, unsatisfiable.statusCode());
        assertEquals("InvalidRange", unsatisfiable.awsErrorDetails().errorCode());

        byte[] p1 = data(5 * 1024 * 1024, 13);
        byte[] p2 = data(1000, 14);
        String upload = s3.createMultipartUpload(r -> r.bucket("bkt").key("parts")).uploadId();
        String e1 = s3.uploadPart(r -> r.bucket("bkt").key("parts").uploadId(upload).partNumber(1),
                RequestBody.fromBytes(p1)).eTag();
        String e2 = s3.uploadPart(r -> r.bucket("bkt").key("parts").uploadId(upload).partNumber(2),
                RequestBody.fromBytes(p2)).eTag();
        s3.completeMultipartUpload(r -> r.bucket("bkt").key("parts").uploadId(upload).multipartUpload(m -> m
                .parts(CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build())));
        ResponseBytes<GetObjectResponse> part2 = s3.getObjectAsBytes(r -> r.bucket("bkt").key("parts")
                .partNumber(2));
        assertArrayEquals(p2, part2.asByteArray());
        assertEquals(2, part2.response().partsCount());
        assertEquals("bytes 5242880-5243879/5243880", part2.response().contentRange());
        ResponseBytes<GetObjectResponse> across = s3.getObjectAsBytes(r -> r.bucket("bkt").key("parts")
                .range("bytes=5242870-5242889"));
        byte[] expected = new byte[20];
        System.arraycopy(p1, p1.length - 10, expected, 0, 10);
        System.arraycopy(p2, 0, expected, 10, 10);
        assertArrayEquals(expected, across.asByteArray());
        S3Exception badPart = assertThrows(S3Exception.class, () -> s3.headObject(r -> r.bucket("bkt").key("parts")
                .partNumber(3)));
        assertEquals(416, badPart.statusCode());
    }

    @Test
    void missingThingsGiveTheirS3Errors() throws Exception {
        S3Exception bucket = assertThrows(S3Exception.class, () -> s3.getObject(r -> r.bucket("nobucket").key("k"),
                (resp, in) -> null));
        assertEquals("NoSuchBucket", bucket.awsErrorDetails().errorCode());
        S3Exception key = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(r -> r.bucket("bkt")
                .key("nokey")));
        assertEquals("NoSuchKey", key.awsErrorDetails().errorCode());
        String absent = VersionIds.hexEncode(VersionIds.generate(System.currentTimeMillis() - 1000, 0, "RG001"));
        S3Exception version = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(r -> r.bucket("bkt")
                .key("nokey").versionId(absent)));
        assertEquals("NoSuchVersion", version.awsErrorDetails().errorCode());
        S3Exception badVersion = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(r -> r.bucket("bkt")
                .key("nokey").versionId("not-a-version")));
        assertEquals("InvalidArgument", badVersion.awsErrorDetails().errorCode());
        S3Exception again = assertThrows(S3Exception.class, () -> s3.createBucket(r -> r.bucket("bkt")));
        assertEquals("BucketAlreadyOwnedByYou", again.awsErrorDetails().errorCode());
        HttpResponse<String> malformed = harness.signed("PUT", "/bkt?versioning", "<Versioning", Map.of());
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("<Code>MalformedXML</Code>"), malformed.body());
        HttpResponse<String> acl = harness.signed("GET", "/bkt?acl", null, Map.of());
        assertEquals(501, acl.statusCode());
        assertTrue(acl.body().contains("<Code>NotImplemented</Code>"), acl.body());
        S3Exception site = assertThrows(S3Exception.class, () -> s3.putBucketReplication(r -> r.bucket("bkt")
                .replicationConfiguration(c -> c.role("arn:aws:iam::123456789012:role/a,"
                        + "arn:aws:iam::123456789012:role/b").rules(SiteHarness.v1Rule("r", true, "arn:aws:s3:::dst", "nowhere")))));
        assertEquals("InvalidRequest", site.awsErrorDetails().errorCode());
        assertTrue(site.getMessage().contains("nowhere"), site.getMessage());
    }

    @Test
    void deleteMarkersAnswerLikeS3() {
        String v1 = s3.putObject(r -> r.bucket("bkt").key("marked"), RequestBody.fromString("v1")).versionId();
        String dm = s3.deleteObject(r -> r.bucket("bkt").key("marked")).versionId();
        S3Exception head = assertThrows(S3Exception.class, () -> s3.headObject(r -> r.bucket("bkt").key("marked")));
        assertEquals(404, head.statusCode());
        assertEquals("true", head.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-delete-marker")
                .orElse(null));
        S3Exception byVersion = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(r -> r.bucket("bkt")
                .key("marked").versionId(dm)));
        assertEquals(405, byVersion.statusCode());
        assertEquals("v1", s3.getObjectAsBytes(r -> r.bucket("bkt").key("marked").versionId(v1)).asUtf8String());
    }

    @Test
    void deletingTheDeleteMarkerRepairsTheMasterLater() throws Exception {
        String v1 = s3.putObject(r -> r.bucket("bkt").key("revived"), RequestBody.fromString("alive")).versionId();
        String dm = s3.deleteObject(r -> r.bucket("bkt").key("revived")).versionId();
        s3.deleteObject(r -> r.bucket("bkt").key("revived").versionId(dm));
        // the latest version answers at once (the placeholder master resolves to it) ...
        assertEquals("alive", s3.getObjectAsBytes(r -> r.bucket("bkt").key("revived")).asUtf8String());
        // ... and the placeholder is replaced by that version after the repair delay, as CloudServer does
        try (MongoClient client = MongoClients.create(harness.mongoUri)) {
            var coll = client.getDatabase("metadata").getCollection("bkt", BsonDocument.class);
            BsonDocument filter = new BsonDocument("_id", new BsonString("\u007fMrevived"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            BsonDocument master = coll.find(filter).first();
            while (System.nanoTime() < deadline && (master == null
                    || master.getDocument("value").getBoolean("isPHD").getValue())) {
                Thread.sleep(50);
                master = coll.find(filter).first();
            }
            assertEquals(VersionIds.decode(v1), master.getDocument("value").getString("versionId").getValue());
            assertEquals("s3:ObjectRemoved:Delete", master.getDocument("value").getString("originOp").getValue());
        }
    }

    @Test
    void replicaWritesAreMarkedReplica() {
        s3.putObject(r -> r.bucket("bkt").key("replica").metadata(Map.of("scal-replication-status", "REPLICA")),
                RequestBody.fromString("copy"));
        assertEquals(ReplicationStatus.REPLICA, s3.headObject(r -> r.bucket("bkt").key("replica"))
                .replicationStatus());
    }

    @Test
    void listingsShowBucketsAndObjects() {
        assertTrue(s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals("bkt")));
        s3.putObject(r -> r.bucket("bkt").key("list/a b+c"), RequestBody.fromString("x"));
        var listed = s3.listObjectsV2(r -> r.bucket("bkt").prefix("list/"));
        assertEquals(1, listed.keyCount());
        assertEquals("list/a b+c", listed.contents().get(0).key());
        var delimited = s3.listObjectsV2(r -> r.bucket("bkt").prefix("lis").delimiter("/"));
        assertEquals("list/", delimited.commonPrefixes().get(0).prefix());
    }

    @Test
    void awsCliCanPutAndHead() throws Exception {
        Path aws = Path.of("/usr/bin/aws");
        assertTrue(Files.isExecutable(aws), "Debian's awscli is missing: apt-get install awscli (.ci/run does)");
        Path file = Files.createTempFile("cli", ".txt");
        Files.writeString(file, "from the aws cli");
        try {
            String put = run(aws.toString(), "s3api", "put-object", "--bucket", "bkt", "--key", "cli/obj",
                    "--body", file.toString(), "--metadata", "who=cli");
            assertTrue(put.contains("VersionId"), put);
            String head = run(aws.toString(), "s3api", "head-object", "--bucket", "bkt", "--key", "cli/obj");
            assertTrue(head.contains("\"ContentLength\": 16"), head);
            assertTrue(head.contains("\"who\": \"cli\""), head);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String run(String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.command().add("--endpoint-url");
        pb.command().add(harness.site.endpoint().toString());
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", "accessKey1");
        env.put("AWS_SECRET_ACCESS_KEY", "verySecretKey1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.remove("AWS_CA_BUNDLE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "aws cli timed out");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void objectsOfNonVersionedBucketsHaveNoVersion() {
        s3.createBucket(r -> r.bucket("flat"));
        assertNull(s3.putObject(r -> r.bucket("flat").key("f"), RequestBody.fromString("1")).versionId());
        assertNull(s3.headObject(r -> r.bucket("flat").key("f")).versionId());
    }
}
