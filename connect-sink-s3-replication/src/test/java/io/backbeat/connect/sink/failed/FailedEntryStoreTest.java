package io.backbeat.connect.sink.failed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.backbeat.connect.testbed.redis.RedisServer;
import redis.clients.jedis.RedisClient;

/** Against a real redis-server. */
class FailedEntryStoreTest {

    private static RedisServer server;
    private static RedisClient redis;
    private static FailedEntryStore store;

    // 2026-11-22T10:17:05.123Z, and the start of its hour
    private static final long T = 1_795_342_625_123L;
    private static final long HOUR = 1_795_341_600_000L;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        redis = RedisClient.create(URI.create(server.uri()));
        store = new FailedEntryStore(RedisClient.create(URI.create(server.uri())), FailedEntryStore.DEFAULT_PREFIX);
    }

    @AfterAll
    static void stop() {
        store.close();
        redis.close();
        server.close();
    }

    @BeforeEach
    void clean() {
        redis.flushAll();
    }

    @Test
    void writesBackbeatsKeyMemberScoreAndTtl() {
        store.add(new FailedEntry("siteA", "src", "dir/k:1", "3938", T));
        String key = "bb:crr:failed:siteA:" + HOUR;
        assertEquals(HOUR, FailedEntryStore.hourOf(T));
        assertEquals(List.of("src:dir/k:1:3938"), redis.zrange(key, 0, -1));
        assertEquals((double) T, redis.zscore(key, "src:dir/k:1:3938"));
        // the set lives until 24 h after the start of its hour (TTL counted from the failure time here)
        long ttl = redis.ttl(key);
        long expected = (24 * 3600_000L - (T - HOUR)) / 1000;
        assertTrue(ttl > 0 && ttl <= expected + 1, "ttl " + ttl + " expected about " + expected);
    }

    @Test
    void laterMembersKeepTheSetsFirstTtl() {
        store.add(new FailedEntry("siteA", "src", "a", "v1", T));
        redis.expire("bb:crr:failed:siteA:" + HOUR, 100);
        store.add(new FailedEntry("siteA", "src", "b", "v1", T + 1000));
        assertTrue(redis.ttl("bb:crr:failed:siteA:" + HOUR) <= 100);
        assertEquals(2, redis.zcard("bb:crr:failed:siteA:" + HOUR));
    }

    @Test
    void listsNewestFirstAcrossHoursWithMarkers() {
        long now = HOUR + 30 * 60_000;
        store.add(new FailedEntry("siteA", "src", "old", "v1", now - 3 * 3600_000L));
        store.add(new FailedEntry("siteA", "src", "mid", "v2", now - 3600_000L));
        store.add(new FailedEntry("siteA", "src", "new", "v3", now - 1000));
        store.add(new FailedEntry("siteB", "src", "other", "v4", now - 10));
        // older than 24 hours: not listed
        store.add(new FailedEntry("siteA", "src", "ancient", "v5", now - 25 * 3600_000L));

        FailedEntryStore.Page first = store.list("siteA", now, 0, 2);
        assertEquals(List.of("new", "mid"), first.entries().stream().map(FailedEntry::key).toList());
        assertTrue(first.truncated());
        assertEquals(now - 3600_000L, first.nextMarker());

        FailedEntryStore.Page second = store.list("siteA", now, first.nextMarker(), 2);
        assertEquals(List.of("old"), second.entries().stream().map(FailedEntry::key).toList());
        assertFalse(second.truncated());
        FailedEntry e = second.entries().get(0);
        assertEquals(new FailedEntry("siteA", "src", "old", "v1", now - 3 * 3600_000L), e);
    }

    @Test
    void findsAndRemovesAVersion() {
        long now = HOUR + 1000;
        store.add(new FailedEntry("siteA", "src", "k", "v1", now - 2 * 3600_000L));
        store.add(new FailedEntry("siteA", "src", "k", "v1", now - 10));
        store.add(new FailedEntry("siteA", "src", "k", "v2", now - 10));
        assertEquals(now - 10, store.find("siteA", "src", "k", "v1", now).orElseThrow().failedAtMs());
        assertEquals(2, store.remove("siteA", "src", "k", "v1", now));
        assertTrue(store.find("siteA", "src", "k", "v1", now).isEmpty());
        assertTrue(store.find("siteA", "src", "k", "v2", now).isPresent());
    }

    @Test
    void nonVersionedObjectsUseAnEmptyVersion() {
        FailedEntry e = new FailedEntry("siteA", "src", "plain", null, T);
        assertEquals("src:plain:", e.member());
        assertEquals(e, FailedEntry.parse("siteA", "src:plain:", T));
    }

    @Test
    void badMembersAndEntriesAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FailedEntry.parse("s", "nocolon", 1));
        assertTrue(e.getMessage().contains("nocolon"));
        assertThrows(IllegalArgumentException.class, () -> new FailedEntry("s", "b:x", "k", "v", 1));
        assertThrows(IllegalArgumentException.class, () -> new FailedEntry("", "b", "k", "v", 1));
    }
}
