package io.backbeat.connect.sink.metrics;

import java.util.ArrayList;
import java.util.List;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Replication counters in Redis, in the key layout of Backbeat's StatsModel so Backbeat's tooling and our
 * ops API read the same numbers. A counter is a series of 5-minute buckets kept 24 hours:
 * {@code <id>:requests:<bucket start, epoch ms>}, incremented with INCRBY and given a 24 h TTL (the commands of
 * one record are pipelined: one round trip). Ids:
 * <ul>
 *   <li>{@code <site>:bb:crr:opsdone}, {@code <site>:bb:crr:bytesdone}: replications completed (status
 *       event acknowledged) and their bytes;</li>
 *   <li>{@code <site>:bb:crr:opsfail}, {@code <site>:bb:crr:bytesfail}: replications failed for good;</li>
 *   <li>{@code <site>:<bucket>:<key>:<versionId>:bb:crr:object:bytes} and {@code ...:object:bytesdone}:
 *       per-object progress (size when the copy starts, then bytes of each part written).</li>
 * </ul>
 * Writers are the replication sink tasks; the reader is the ops REST extension.
 */
public final class ReplicationStats {

    /** Bucket width and retention, Backbeat's INTERVAL and EXPIRY. */
    public static final long INTERVAL_MS = 300_000L;
    public static final long EXPIRY_MS = 86_400_000L;
    public static final int BUCKETS = (int) (EXPIRY_MS / INTERVAL_MS);

    public static final String OPS_DONE = "bb:crr:opsdone";
    public static final String BYTES_DONE = "bb:crr:bytesdone";
    public static final String OPS_FAIL = "bb:crr:opsfail";
    public static final String BYTES_FAIL = "bb:crr:bytesfail";
    public static final String OBJECT_BYTES = "bb:crr:object:bytes";
    public static final String OBJECT_BYTES_DONE = "bb:crr:object:bytesdone";

    private final UnifiedJedis redis;

    public ReplicationStats(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** Start of the 5-minute bucket holding {@code epochMs}. */
    public static long bucketOf(long epochMs) {
        return Math.floorDiv(epochMs, INTERVAL_MS) * INTERVAL_MS;
    }

    /** The Redis key of one bucket of a counter. */
    public static String bucketKey(String id, long epochMs) {
        return id + ":requests:" + bucketOf(epochMs);
    }

    public static String siteId(String site, String counter) {
        return site + ":" + counter;
    }

    public static String objectId(String site, String bucket, String key, String versionId, String counter) {
        return site + ":" + bucket + ":" + key + ":" + (versionId == null ? "" : versionId) + ":" + counter;
    }

    /** A replication to {@code site} completed. */
    public void recordDone(String site, long bytes, long nowMs) {
        add(nowMs, new Count(siteId(site, OPS_DONE), 1), new Count(siteId(site, BYTES_DONE), bytes));
    }

    /** A replication to {@code site} failed for good. */
    public void recordFailed(String site, long bytes, long nowMs) {
        add(nowMs, new Count(siteId(site, OPS_FAIL), 1), new Count(siteId(site, BYTES_FAIL), bytes));
    }

    /** A copy of an object version to {@code site} starts; {@code size} is what it will transfer. */
    public void recordObjectStarted(String site, String bucket, String key, String versionId, long size, long nowMs) {
        add(nowMs, new Count(objectId(site, bucket, key, versionId, OBJECT_BYTES), size));
    }

    /** {@code bytes} more of an object version were written to {@code site} (one part, or the whole object). */
    public void recordObjectBytes(String site, String bucket, String key, String versionId, long bytes, long nowMs) {
        add(nowMs, new Count(objectId(site, bucket, key, versionId, OBJECT_BYTES_DONE), bytes));
    }

    /** An amount to add to a counter. */
    private record Count(String id, long amount) {
    }

    /** Adds each count to the current bucket of its counter, all in one round trip. */
    private void add(long nowMs, Count... counts) {
        // the TTL counts from the bucket's start, so a bucket disappears 24 h after it began
        long ttlMs = Math.max(1, bucketOf(nowMs) + EXPIRY_MS - nowMs);
        List<Response<?>> answers = new ArrayList<>(2 * counts.length);
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Count c : counts) {
                String key = bucketKey(c.id(), nowMs);
                answers.add(pipeline.incrBy(key, c.amount()));
                answers.add(pipeline.pexpire(key, ttlMs));
            }
            pipeline.sync();
        }
        // a command Redis refused (e.g. a key holding another type) throws here, as a single call would
        answers.forEach(Response::get);
    }

    /**
     * The buckets of a counter over the last 24 hours, newest first ({@value #BUCKETS} values; absent
     * buckets read as 0).
     */
    public long[] buckets(String id, long nowMs) {
        String[] keys = new String[BUCKETS];
        long bucket = bucketOf(nowMs);
        for (int i = 0; i < BUCKETS; i++) {
            keys[i] = id + ":requests:" + (bucket - i * INTERVAL_MS);
        }
        List<String> values = redis.mget(keys);
        long[] counts = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            String v = values.get(i);
            counts[i] = v == null ? 0 : Long.parseLong(v);
        }
        return counts;
    }

    /** Sum of the buckets of several counters, bucket by bucket (e.g. one counter per site for "all"). */
    public long[] sumBuckets(List<String> ids, long nowMs) {
        long[] sum = new long[BUCKETS];
        for (String id : ids) {
            long[] b = buckets(id, nowMs);
            for (int i = 0; i < BUCKETS; i++) {
                sum[i] += b[i];
            }
        }
        return sum;
    }

    /** The ids of every site's counter, in order. */
    public static List<String> siteIds(List<String> sites, String counter) {
        List<String> ids = new ArrayList<>(sites.size());
        for (String s : sites) {
            ids.add(siteId(s, counter));
        }
        return ids;
    }
}
