package io.backbeat.connect.sink.metrics;

import io.backbeat.connect.testbed.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationStatsTest {

    private static RedisServer server;
    private static RedisClient redis;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        redis = RedisClient.create(URI.create(server.uri()));
    }

    @AfterAll
    static void stop() {
        redis.close();
        server.close();
    }

    @Test
    void countersUseBackbeatKeysInFiveMinuteBucketsKeptADay() {
        ReplicationStats stats = new ReplicationStats(redis);
        long t = 1_714_557_723_456L; // 2024-05-01T10:02:03.456Z
        stats.recordDone("east", 100, t);
        stats.recordDone("east", 50, t + 60_000);
        stats.recordDone("east", 7, t + ReplicationStats.INTERVAL_MS); // next bucket
        stats.recordFailed("east", 9, t);

        long bucket = 1_714_557_600_000L; // 10:00:00
        assertEquals("2", redis.get("east:bb:crr:opsdone:requests:" + bucket));
        assertEquals("150", redis.get("east:bb:crr:bytesdone:requests:" + bucket));
        assertEquals("1", redis.get("east:bb:crr:opsfail:requests:" + bucket));
        for (String counter : List.of("opsdone", "bytesdone", "opsfail", "bytesfail")) {
            long ttl = redis.pttl("east:bb:crr:" + counter + ":requests:" + bucket);
            assertTrue(ttl > 0 && ttl <= ReplicationStats.EXPIRY_MS, counter + " ttl " + ttl);
        }

        long[] ops = stats.buckets(ReplicationStats.siteId("east", ReplicationStats.OPS_DONE), t + ReplicationStats.INTERVAL_MS);
        assertEquals(ReplicationStats.BUCKETS, ops.length);
        assertEquals(1, ops[0]); // newest first
        assertEquals(2, ops[1]);
    }

    @Test
    void sumsSitesBucketByBucketAndTracksObjectProgress() {
        ReplicationStats stats = new ReplicationStats(redis);
        long t = 1_800_000_000_000L;
        stats.recordDone("a", 10, t);
        stats.recordDone("b", 20, t);
        long[] sum = stats.sumBuckets(ReplicationStats.siteIds(List.of("a", "b"), ReplicationStats.BYTES_DONE), t);
        assertEquals(30, sum[0]);

        stats.recordObjectStarted("a", "bkt", "dir/k:1", "v1", 400, t);
        stats.recordObjectBytes("a", "bkt", "dir/k:1", "v1", 100, t);
        stats.recordObjectBytes("a", "bkt", "dir/k:1", "v1", 100, t);
        assertEquals("400", redis.get("a:bkt:dir/k:1:v1:bb:crr:object:bytes:requests:" + ReplicationStats.bucketOf(t)));
        assertEquals(200, stats.buckets(ReplicationStats.objectId("a", "bkt", "dir/k:1", "v1",
                ReplicationStats.OBJECT_BYTES_DONE), t)[0]);
    }

    @Test
    void aCounterRedisRefusesIsAnErrorNotASilentSkip() {
        ReplicationStats stats = new ReplicationStats(redis);
        long t = 1_900_000_000_000L;
        // a key of another type under the counter's name: INCRBY answers WRONGTYPE among the pipelined replies
        redis.lpush("west:bb:crr:bytesdone:requests:" + ReplicationStats.bucketOf(t), "not a counter");
        assertThrows(JedisDataException.class, () -> stats.recordDone("west", 10, t));
    }
}
