package io.backbeat.connect.sink.failed;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.Tuple;

/**
 * Failed replications in Redis, in Backbeat's format, so that Backbeat's tooling and our ops API read the
 * same data: one sorted set per site and hour, {@code bb:crr:failed:<site>:<hour>} (hour = epoch ms of the
 * start of the hour of the failure), member {@code <bucket>:<key>:<encodedVersionId>}, score = epoch ms of
 * the failure. A set lives 24 hours from the start of its hour (TTL set when the set is created), so the
 * store holds the failures of the last 24 hours, as in Backbeat.
 */
public final class FailedEntryStore implements AutoCloseable {

    public static final String DEFAULT_PREFIX = "bb:crr:failed";
    static final long HOUR_MS = 3_600_000L;
    static final long DAY_MS = 24 * HOUR_MS;

    private final RedisClient redis;
    private final String prefix;

    /** @param redisUri e.g. {@code redis://:password@host:6379/0} */
    public FailedEntryStore(String redisUri) {
        this(RedisClient.create(URI.create(redisUri)), DEFAULT_PREFIX);
    }

    public FailedEntryStore(RedisClient redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    /** Start of the hour of {@code epochMs}: Backbeat's hour normalisation ({@code setMinutes(0, 0, 0)}). */
    public static long hourOf(long epochMs) {
        return Math.floorDiv(epochMs, HOUR_MS) * HOUR_MS;
    }

    /** Key of the set of {@code site} for the hour holding {@code epochMs}. */
    public String key(String site, long epochMs) {
        return prefix + ":" + site + ":" + hourOf(epochMs);
    }

    /** Records a failure (a later failure of the same version in the same hour moves its score). */
    public void add(FailedEntry entry) {
        String key = key(entry.site(), entry.failedAtMs());
        // TTL: what is left of the 24 hours that start at the set's hour, as Backbeat's StatsClient does
        long ttlSeconds = Math.max(1, (long) Math.ceil((DAY_MS - (entry.failedAtMs() - hourOf(entry.failedAtMs())))
                / 1000.0));
        redis.zadd(key, entry.failedAtMs(), entry.member());
        // only a new set gets its TTL (-1 = no expiry yet); later members keep the set's first expiry.
        // Two calls rather than EXPIRE NX, which needs Redis 7.
        if (redis.ttl(key) == -1) {
            redis.expire(key, ttlSeconds);
        }
    }

    /** The 24 hourly keys of a site, newest first, for the day ending at {@code nowMs}. */
    public List<String> keys(String site, long nowMs) {
        List<String> keys = new ArrayList<>(24);
        long hour = hourOf(nowMs);
        for (int i = 0; i < 24; i++) {
            keys.add(prefix + ":" + site + ":" + (hour - i * HOUR_MS));
        }
        return keys;
    }

    /**
     * A page of the failures of one site over the last 24 hours, newest first.
     *
     * @param beforeMs only failures with a score below this (a marker from a previous page); 0 = no bound
     * @param limit    page size
     */
    public Page list(String site, long nowMs, long beforeMs, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, got " + limit);
        }
        List<FailedEntry> all = new ArrayList<>();
        double max = beforeMs > 0 ? beforeMs - 1 : Double.POSITIVE_INFINITY;
        for (String key : keys(site, nowMs)) {
            if (all.size() > limit) {
                break;
            }
            for (Tuple t : redis.zrangeWithScores(key,
                    ZRangeParams.zrangeByScoreParams(max, Double.NEGATIVE_INFINITY).rev().limit(0, limit + 1))) {
                all.add(FailedEntry.parse(site, t.getElement(), (long) t.getScore()));
            }
        }
        all.sort(Comparator.comparingLong(FailedEntry::failedAtMs).reversed());
        if (all.size() <= limit) {
            return new Page(all, 0);
        }
        List<FailedEntry> page = new ArrayList<>(all.subList(0, limit));
        return new Page(page, page.get(page.size() - 1).failedAtMs());
    }

    /** The failure of one version for one site in the last 24 hours, if any (the newest one). */
    public Optional<FailedEntry> find(String site, String bucket, String key, String versionId, long nowMs) {
        String member = FailedEntry.member(bucket, key, versionId);
        FailedEntry found = null;
        for (String k : keys(site, nowMs)) {
            Double score = redis.zscore(k, member);
            if (score != null && (found == null || score > found.failedAtMs())) {
                found = new FailedEntry(site, bucket, key, versionId, score.longValue());
            }
        }
        return Optional.ofNullable(found);
    }

    /** Removes a version from all sets of the site (after a retry); returns how many members were removed. */
    public long remove(String site, String bucket, String key, String versionId, long nowMs) {
        String member = FailedEntry.member(bucket, key, versionId);
        long removed = 0;
        for (String k : keys(site, nowMs)) {
            removed += redis.zrem(k, member);
        }
        return removed;
    }

    /** How many failures of the site the last 24 hours hold (Backbeat's failure metric: ZCARD of each hourly set). */
    public long count(String site, long nowMs) {
        long n = 0;
        for (String k : keys(site, nowMs)) {
            n += redis.zcard(k);
        }
        return n;
    }

    /** Fails with the Redis error when Redis cannot be reached. */
    public void ping() {
        redis.ping();
    }

    @Override
    public void close() {
        redis.close();
    }

    /**
     * One page of failures.
     *
     * @param entries    newest first
     * @param nextMarker 0 when this is the last page, else the marker for the next page
     */
    public record Page(List<FailedEntry> entries, long nextMarker) {
        public boolean truncated() {
            return nextMarker != 0;
        }
    }
}
