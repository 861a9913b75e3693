package io.backbeat.connect.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectMetadataTest {

    @Test
    void tagsAreUnescapedAndEscapedBack() {
        ObjectMetadata md = ObjectMetadata.parse("{\"tags\":{\"a\uFF0Eb\":\"\uFF04price\",\"plain\":\"v\"}}");
        assertEquals(Map.of("a.b", "$price", "plain", "v"), md.tags());

        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("x.y", "1$");
        tags.put("hello", "world");
        ObjectMetadata tagged = md.withTags(tags);
        assertEquals(tags, tagged.tags());
        ObjectNode stored = (ObjectNode) tagged.toJsonNode().get("tags");
        assertEquals("1\uFF04", stored.get("x\uFF0Ey").asText());
        assertFalse(stored.has("a\uFF0Eb"), "withTags replaces the whole tag set");
        assertEquals("a.b$", TagEscaping.unescape(TagEscaping.escape("a.b$")));
        assertEquals("a\uFF0Eb\uFF04", TagEscaping.escape("a.b$"));
    }

    @Test
    void withReplicationInfoLeavesEveryOtherFieldUntouched() {
        String json = "{\"key\":\"k\",\"unknown\":[1,{\"deep\":true}],\"content-length\":3,"
                + "\"replicationInfo\":{\"status\":\"\",\"backends\":[]},\"zzz\":null}";
        ObjectMetadata md = ObjectMetadata.parse(json);
        ReplicationInfo pending = ReplicationInfo.pending(List.of("s1"), List.of("DATA"), "arn:aws:s3:::d", "", "");
        ObjectMetadata changed = md.withReplicationInfo(pending);
        assertEquals(pending, changed.replicationInfo());
        ObjectNode before = md.toJsonNode();
        ObjectNode after = changed.toJsonNode();
        before.remove("replicationInfo");
        after.remove("replicationInfo");
        assertEquals(before, after);
        assertEquals(List.of("key", "unknown", "content-length", "replicationInfo", "zzz"),
                List.copyOf(iterable(changed.toJsonNode())), "field order kept");
        assertNotEquals(md, changed);
    }

    @Test
    void replicationFingerprintCoversWhatReplicationCopiesAndNothingElse() {
        ObjectMetadata md = ObjectMetadata.parse("{\"key\":\"k\",\"content-md5\":\"9a0364b9e99bb480dd25e1f0284c8555\","
                + "\"content-length\":7,\"content-type\":\"text/plain\",\"x-amz-meta-color\":\"blue\","
                + "\"tags\":{},\"last-modified\":\"2026-11-22T00:45:13.927Z\",\"acl\":{\"Canned\":\"private\"},"
                + "\"replicationInfo\":{\"status\":\"PENDING\",\"backends\":[{\"site\":\"s1\","
                + "\"status\":\"PENDING\",\"dataStoreVersionId\":\"\"}],\"content\":[\"DATA\",\"METADATA\"]}}");
        String fp = md.replicationFingerprint();
        assertTrue(fp.matches("[0-9a-f]{32}"), fp);
        assertEquals(fp, ObjectMetadata.parse(md.toJson()).replicationFingerprint(), "stable across parses");

        // bookkeeping, ACLs and timestamps are not replicated: same fingerprint
        ObjectMetadata completed = md.withReplicationInfo(md.replicationInfo().withSiteStatus("s1",
                ReplicationStatus.COMPLETED, "r1"));
        assertEquals(fp, completed.replicationFingerprint());
        assertEquals(fp, md.withField("acl", Map.of("Canned", "public-read")).replicationFingerprint());
        assertEquals(fp, md.withField("last-modified", "2026-11-23T00:00:00.000Z").replicationFingerprint());

        // everything the replica carries changes it
        assertNotEquals(fp, md.withTags(Map.of("hello", "world")).replicationFingerprint(), "tags");
        assertNotEquals(fp, md.withField("x-amz-meta-color", "red").replicationFingerprint(), "user metadata");
        assertNotEquals(fp, md.withField("x-amz-meta-size", "L").replicationFingerprint(), "new user metadata");
        assertNotEquals(fp, md.withField("content-type", "text/html").replicationFingerprint(), "content type");
        assertNotEquals(fp, md.withField("cache-control", "no-cache").replicationFingerprint(), "cache control");
        assertNotEquals(fp, md.withField("content-md5", "00000000000000000000000000000000")
                .replicationFingerprint(), "data");
        assertNotEquals(fp, md.withField("isDeleteMarker", true).replicationFingerprint(), "delete marker");
        // tag order does not matter, tag boundaries do
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertEquals(md.withTags(ab).replicationFingerprint(), md.withTags(ba).replicationFingerprint());
        assertNotEquals(md.withTags(Map.of("a", "1;tag:b=1:2")).replicationFingerprint(),
                md.withTags(ab).replicationFingerprint());
    }

    @Test
    void extendedJsonWrappersAreUnderstood() {
        ObjectMetadata md = ObjectMetadata.parse("{\"content-length\":{\"$numberLong\":\"6000000000\"},"
                + "\"last-modified\":{\"$date\":\"2026-11-22T00:45:13.927Z\"},"
                + "\"creation-time\":{\"$date\":{\"$numberLong\":\"1795308284577\"}},"
                + "\"location\":[{\"key\":\"abc\",\"size\":{\"$numberInt\":\"6\"},\"start\":{\"$numberLong\":\"0\"}}]}");
        assertEquals(6_000_000_000L, md.contentLength());
        assertEquals(Instant.parse("2026-11-22T00:45:13.927Z"), md.lastModified());
        assertEquals(Instant.ofEpochMilli(1795308284577L), md.creationTime());
        assertEquals(6L, md.location().get(0).size());
        // the wrappers stay as they were: round trips are lossless
        assertTrue(md.toJson().contains("$numberLong"));
        // a relaxed-JSON double (what a JavaScript writer stores for large sizes) is read as a whole number
        assertEquals(5_000_000_000L, ObjectMetadata.parse("{\"content-length\":5.0E9}").contentLength());
    }

    @Test
    void malformedFieldsAreNamed() {
        assertMessage("{\"content-length\":\"twelve\"}", "content-length");
        assertMessage("{\"content-length\":1.5}", "content-length");
        assertMessage("{\"content-length\":-1}", "content-length");
        assertMessage("{\"location\":{}}", "location");
        assertMessage("{\"location\":[{\"size\":\"x\"}]}", "location[0].size");
        assertMessage("{\"tags\":[]}", "tags");
        assertMessage("{\"isDeleteMarker\":\"maybe\"}", "isDeleteMarker");
        assertMessage("{\"last-modified\":\"yesterday\"}", "last-modified");
        assertMessage("{\"replicationInfo\":\"PENDING\"}", "replicationInfo");
        assertMessage("not json", "not valid JSON");
        assertMessage("[1]", "JSON object");
        assertThrows(InvalidMetadataException.class, () -> ObjectMetadata.parse(null));
    }

    @Test
    void withFieldSetsAndRemoves() {
        ObjectMetadata md = ObjectMetadata.parse("{\"deleted\":false,\"key\":\"k\"}");
        assertTrue(md.withField("deleted", true).isDeleted());
        assertFalse(md.withField("key", null).has("key"));
        assertEquals(Map.of("x-amz-meta-color", "red"),
                md.withField("x-amz-meta-color", "red").userMetadata());
        assertThrows(InvalidMetadataException.class, () -> md.withField("content-length", "big"));
    }

    @Test
    void nullVersionIsExternallyNull() {
        ObjectMetadata md = ObjectMetadata.parse("{\"versionId\":\"98204691715422999999RG001  16051.0\",\"isNull\":true}");
        assertTrue(md.isNull());
        assertEquals("null", md.externalVersionId());
    }

    private static void assertMessage(String json, String expected) {
        InvalidMetadataException e = assertThrows(InvalidMetadataException.class, () -> ObjectMetadata.parse(json));
        assertTrue(e.getMessage().contains(expected), "\"" + e.getMessage() + "\" should name " + expected);
    }

    private static List<String> iterable(ObjectNode node) {
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }
}
