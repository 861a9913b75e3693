package io.backbeat.connect.sink.tagging;

import static io.backbeat.connect.sink.tagging.TaggingFixtures.masterPut;
import static io.backbeat.connect.sink.tagging.TaggingFixtures.metadata;
import static io.backbeat.connect.sink.tagging.TaggingFixtures.versionPut;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.RetryPolicy;
import io.backbeat.connect.sink.tagging.TaggingFixtures.CallCounter;
import io.backbeat.connect.testbed.LocalPorts;
import io.backbeat.connect.testbed.s3.S3Endpoint;
import io.backbeat.connect.testbed.s3.S3TestServer;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/** The tagger against a real S3 server (S3Mock): what it writes, what it leaves alone, how it fails. */
class ObjectTaggerTest {

    private static final Map<String, String> HELLO = Map.of("hello", "world");
    /** Fast retries: two retries, no real waiting. */
    private static final RetryPolicy FAST = new RetryPolicy(2, 10_000, 0, 0, 0, 1.0);

    private static S3TestServer s3;
    private static S3Client client;
    private static final CallCounter CALLS = new CallCounter();
    private static S3Client counted;
    private static ObjectTagger tagger;

    @BeforeAll
    static void start() {
        s3 = TaggingFixtures.s3();
        s3.createBucket("src", true);
        s3.createBucket("plain", false);
        client = s3.newClient();
        counted = TaggingFixtures.countingClient(s3.endpoint(), CALLS);
        tagger = new ObjectTagger(counted, HELLO, new Retrier(FAST));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {counted, client}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @BeforeEach
    void resetCounter() {
        CALLS.reset();
    }

    private static String put(String bucket, String key, String tagging) {
        return client.putObject(p -> p.bucket(bucket).key(key).tagging(tagging),
                RequestBody.fromString("hello", StandardCharsets.UTF_8)).versionId();
    }

    private static Map<String, String> tagsOf(String bucket, String key, String versionId) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag t : client.getObjectTagging(g -> g.bucket(bucket).key(key).versionId(versionId)).tagSet()) {
            tags.put(t.key(), t.value());
        }
        return tags;
    }

    @Test
    void tagsTheEntrysVersionKeepingItsTagsAndLeavingOtherVersionsAlone() {
        String v1 = put("src", "keep/helloworld", "team=blue");
        String v2 = put("src", "keep/helloworld", "team=red");

        TaggingOutcome outcome = tagger.tag(versionPut("src", "keep/helloworld", v1,
                metadata("keep/helloworld", Map.of("team", "blue"))));

        assertEquals(TaggingOutcome.Result.TAGGED, outcome.result(), outcome.detail());
        assertEquals(Map.of("team", "blue", "hello", "world"), tagsOf("src", "keep/helloworld", v1));
        assertEquals(Map.of("team", "red"), tagsOf("src", "keep/helloworld", v2), "the newer version is untouched");
        assertEquals(1, CALLS.count("GetObjectTagging"));
        assertEquals(1, CALLS.count("PutObjectTagging"));
    }

    @Test
    void aVersionAlreadyTaggedIsNotWrittenAgain() {
        String v = put("src", "again/helloworld", "");
        ObjectMetadata untagged = metadata("again/helloworld", Map.of());
        assertEquals(TaggingOutcome.Result.TAGGED, tagger.tag(versionPut("src", "again/helloworld", v, untagged))
                .result());
        CALLS.reset();

        // the same entry delivered again (a restart): the version is read, not written
        TaggingOutcome redelivered = tagger.tag(versionPut("src", "again/helloworld", v, untagged));
        assertEquals(TaggingOutcome.Result.ALREADY_TAGGED, redelivered.result());
        assertEquals(1, CALLS.count("GetObjectTagging"));
        assertEquals(0, CALLS.count("PutObjectTagging"));
        CALLS.reset();

        // the journal entry of our own tagging write carries the tags: no S3 call at all, so no loop
        TaggingOutcome own = tagger.tag(versionPut("src", "again/helloworld", v,
                metadata("again/helloworld", Map.of("hello", "world"))));
        assertEquals(TaggingOutcome.Result.ALREADY_TAGGED, own.result());
        assertEquals(0, CALLS.total());
        assertEquals(Map.of("hello", "world"), tagsOf("src", "again/helloworld", v));
    }

    @Test
    void theConfiguredValueReplacesAnotherValueOfTheSameKey() {
        String v = put("src", "mars/helloworld", "hello=mars&size=xl");
        TaggingOutcome outcome = tagger.tag(versionPut("src", "mars/helloworld", v,
                metadata("mars/helloworld", Map.of("hello", "mars", "size", "xl"))));
        assertEquals(TaggingOutcome.Result.TAGGED, outcome.result());
        assertEquals(Map.of("hello", "world", "size", "xl"), tagsOf("src", "mars/helloworld", v));
    }

    @Test
    void tagsAnObjectWithoutVersion() {
        put("plain", "helloworld", "");
        TaggingOutcome outcome = tagger.tag(masterPut("plain", "helloworld", null, metadata("helloworld", Map.of())));
        assertEquals(TaggingOutcome.Result.TAGGED, outcome.result(), outcome.detail());
        assertEquals(Map.of("hello", "world"), tagsOf("plain", "helloworld", null));
    }

    @Test
    void skipsWhatIsNotAVersionToTagWithoutCallingS3() {
        String v = put("src", "skip/helloworld", "");
        ObjectMetadata md = metadata("skip/helloworld", Map.of());
        List<LogEntry> entries = List.of(
                LogEntry.bucket(LogEntry.Type.PUT, "src", "{}", 1L),
                LogEntry.object(LogEntry.Type.DELETE, "src", "skip/helloworld", v,
                        "\u007fVskip/helloworld\u0000" + TaggingFixtures.INTERNAL_VERSION, null, 1L),
                versionPut("src", "skip/helloworld", v, md.withField("isDeleteMarker", true)),
                versionPut("src", "skip/helloworld", v, md.withField("deleted", true)),
                masterPut("src", "skip/helloworld", v, md.withField("isPHD", true)),
                masterPut("src", "skip/helloworld", v, md));
        List<String> why = entries.stream().map(tagger::tag).map(o -> {
            assertEquals(TaggingOutcome.Result.SKIPPED, o.result(), o.entry() + ": " + o.detail());
            return o.detail();
        }).toList();
        assertEquals(List.of("bucket entry", "the version was deleted", "delete marker", "the version is being deleted",
                "placeholder master (isPHD)",
                "master of a versioned object (its version entry carries the same change)"), why);
        assertEquals(0, CALLS.total());
        assertTrue(tagsOf("src", "skip/helloworld", v).isEmpty());
    }

    @Test
    void aVersionDeletedMeanwhileIsSkipped() {
        String v = put("src", "gone/helloworld", "");
        client.deleteObject(d -> d.bucket("src").key("gone/helloworld").versionId(v));
        TaggingOutcome outcome = tagger.tag(versionPut("src", "gone/helloworld", v,
                metadata("gone/helloworld", Map.of())));
        assertEquals(TaggingOutcome.Result.SKIPPED, outcome.result(), outcome.detail());
        assertEquals("the version no longer exists at the source", outcome.detail());
        assertEquals(0, CALLS.count("PutObjectTagging"));
    }

    @Test
    void moreThanTenTagsFailWithoutWriting() {
        StringBuilder nine = new StringBuilder();
        Map<String, String> existing = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            nine.append(i == 0 ? "" : "&").append("t").append(i).append("=v");
            existing.put("t" + i, "v");
        }
        String v = put("src", "full/helloworld", nine.toString());
        TaggingOutcome outcome = tagger.tag(versionPut("src", "full/helloworld", v,
                metadata("full/helloworld", existing)));
        assertEquals(TaggingOutcome.Result.FAILED, outcome.result());
        assertEquals("SrcTooManyTags", outcome.failure().reason());
        assertFalse(outcome.failure().retryable());
        assertEquals(0, CALLS.count("PutObjectTagging"));
        assertEquals(existing, tagsOf("src", "full/helloworld", v));
    }

    @Test
    void aMissingBucketFailsAtOnceWithItsReason() {
        TaggingOutcome outcome = tagger.tag(versionPut("no-such-bucket", "helloworld", "v1",
                metadata("helloworld", Map.of())));
        assertEquals(TaggingOutcome.Result.FAILED, outcome.result());
        assertEquals("SrcBucketNotFound", outcome.failure().reason());
        assertEquals(0, outcome.retries());
        assertEquals(1, CALLS.total());
    }

    @Test
    void anUnreachableSourceIsRetriedByThePolicyThenFails() {
        CallCounter calls = new CallCounter();
        S3Endpoint nowhere = new S3Endpoint(URI.create("http://127.0.0.1:" + LocalPorts.free()), "us-east-1",
                "k", "s");
        try (S3Client unreachable = TaggingFixtures.countingClient(nowhere, calls)) {
            ObjectTagger t = new ObjectTagger(unreachable, HELLO, new Retrier(FAST));
            TaggingOutcome outcome = t.tag(versionPut("src", "helloworld", "v1", metadata("helloworld", Map.of())));
            assertEquals(TaggingOutcome.Result.FAILED, outcome.result());
            assertEquals("SrcUnreachable", outcome.failure().reason());
            assertEquals(2, outcome.retries());
            assertEquals(3, calls.count("GetObjectTagging"), "first attempt + 2 retries");
        }
    }

    @Test
    void unreadableMetadataFailsNamingTheProblem() {
        LogEntry bad = LogEntry.object(LogEntry.Type.PUT, "src", "helloworld", "v1",
                "\u007fVhelloworld\u0000" + TaggingFixtures.INTERNAL_VERSION, "{not json", 1L);
        TaggingOutcome outcome = tagger.tag(bad);
        assertEquals(TaggingOutcome.Result.FAILED, outcome.result());
        assertEquals("SrcInvalidMetadata", outcome.failure().reason());
        assertEquals(0, CALLS.total());
    }
}
