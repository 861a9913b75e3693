package io.backbeat.connect.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VersionIdsTest {

    /** Arsenal's own test vector (DESIGN.md §3.1). */
    private static final String ARSENAL_INTERNAL = "98376906954349999999RG001  145.20.5";
    private static final String ARSENAL_BASE62 = "aJLWKz4Ko9IjBBgXKj5KQT2G9UHv0g7P";

    @Test
    void base62MatchesArsenalVector() {
        assertEquals(ARSENAL_BASE62, VersionIds.base62Encode(ARSENAL_INTERNAL));
        assertEquals(ARSENAL_INTERNAL, VersionIds.base62Decode(ARSENAL_BASE62));
        // a 32-character external id decoding to 35 characters is accepted (Arsenal's formatted ids)
        assertEquals(ARSENAL_INTERNAL, VersionIds.decode(ARSENAL_BASE62));
    }

    @Test
    void base62RoundTripsWithSmallNumbersAndShortParts() {
        for (String vid : List.of("00000000054349999999RG001  145.20.5", "98376906950000099999RG001  145.20.5",
                "98376906950000099999R1  145.20.5", "00000000000000000000RG001  ")) {
            String encoded = VersionIds.base62Encode(vid);
            assertEquals(32, encoded.length(), vid);
            assertEquals(vid, VersionIds.base62Decode(encoded), vid);
        }
    }

    @Test
    void shortIdsAreBase62AndLongerOnesHex() {
        String shortId = VersionIds.generate(1_700_000_000_000L, 3, "RG001");
        assertEquals(27, shortId.length());
        String external = VersionIds.encode(shortId);
        assertEquals(32, external.length());
        assertEquals(shortId, VersionIds.decode(external));

        String longId = VersionIds.generate(1_700_000_000_000L, 3, "RG001", "16051.0");
        String hex = VersionIds.encode(longId);
        assertEquals(2 * longId.length(), hex.length());
        assertTrue(hex.matches("[0-9a-f]+"));
        assertEquals(longId, VersionIds.decode(hex));
    }

    @Test
    void fixtureVersionIdsEncodeAsCloudServerDid() {
        JsonNode versions = MetadataJson.parseObject(Fixtures.read("versions.json"), "versions.json");
        int checked = 0;
        for (Map.Entry<String, JsonNode> e : versions.properties()) {
            String internal = e.getValue().get("internalVersionId").asText();
            String s3 = e.getValue().get("s3VersionId").asText();
            assertEquals(s3, VersionIds.encode(internal), e.getKey());
            assertEquals(internal, VersionIds.decode(s3), e.getKey());
            checked++;
        }
        assertEquals(7, checked);
    }

    @Test
    void generationMatchesCloudServerIds() {
        // k1.v1 of the fixture: written at 2026-11-22T00:44:44.577Z, first in its millisecond
        String k1v1 = "98204691715422999999RG001  16051.0";
        long ms = VersionIds.epochMillis(k1v1);
        assertEquals(99_999_999_999_999L - 98_204_691_715_422L, ms);
        assertEquals(0, VersionIds.sequence(k1v1));
        assertEquals("RG001  ", VersionIds.replicationGroupId(k1v1));
        assertEquals(k1v1, VersionIds.generate(ms, 0, "RG001", "16051.0"));
        assertEquals("98204691715422999998RG001  ", VersionIds.generate(ms, 1, "RG001"));
        // an over-long replication group id is cut to 7 characters, like Arsenal's padRight
        assertEquals("98204691715422999999LONGGRO", VersionIds.generate(ms, 0, "LONGGROUPID"));
    }

    @Test
    void generatorCountsWithinMillisecondAndIdsDecrease() {
        AtomicLong clock = new AtomicLong(1_000L);
        VersionIds.Generator gen = new VersionIds.Generator("RG001", "", clock::get);
        List<String> ids = new ArrayList<>();
        ids.add(gen.next());
        ids.add(gen.next());
        clock.set(1_001L);
        ids.add(gen.next());
        clock.set(900L); // clock going backwards must not produce an older-looking id
        ids.add(gen.next());
        assertEquals(List.of(0, 1, 0, 1), ids.stream().map(VersionIds::sequence).toList());
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1).compareTo(ids.get(i)) > 0, "newer ids sort first: " + ids);
        }
    }

    @Test
    void nullPassesThrough() {
        assertEquals("null", VersionIds.encode("null"));
        assertEquals("null", VersionIds.decode("null"));
    }

    @Test
    void badExternalIdsAreRejectedWithTheReason() {
        InvalidMetadataException tooShort = assertThrows(InvalidMetadataException.class, () -> VersionIds.decode("abc"));
        assertTrue(tooShort.getMessage().contains("\"abc\""), tooShort.getMessage());
        InvalidMetadataException odd = assertThrows(InvalidMetadataException.class,
                () -> VersionIds.decode("3938323034363931373135343232393939393939395"));
        assertTrue(odd.getMessage().contains("even"), odd.getMessage());
        InvalidMetadataException notHex = assertThrows(InvalidMetadataException.class,
                () -> VersionIds.decode("zz383230343639313731353432323939393939395247303031"));
        assertTrue(notHex.getMessage().contains("not hexadecimal"), notHex.getMessage());
        InvalidMetadataException notB62 = assertThrows(InvalidMetadataException.class,
                () -> VersionIds.decode("aJLWKz4Ko9IjBBgXKj5KQT2G9UHv0g7-"));
        assertTrue(notB62.getMessage().contains("base62"), notB62.getMessage());
        assertFalse(VersionIds.isValidExternal("abc"));
        assertTrue(VersionIds.isValidExternal(ARSENAL_BASE62));
        assertThrows(InvalidMetadataException.class, () -> VersionIds.encode(""));
        assertThrows(InvalidMetadataException.class, () -> VersionIds.encode("98204691715422x99999RG001  "));
    }
}
