package io.backbeat.connect.ops.pause;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backbeat.connect.ops.Json;
import redis.clients.jedis.UnifiedJedis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Scheduled resumes, kept in Redis so they survive worker restarts and are seen by every worker.
 * Hash {@value #KEY}: field = site, value = due time (epoch ms). A due resume is claimed with a
 * compare-and-delete script, so exactly one worker fires it even when all of them poll at once; each firing
 * is recorded in the list {@value #HISTORY_KEY} (newest first, last 100 kept) for audit.
 */
public class ResumeSchedule {

    public static final String KEY = "bb:crr:resume:scheduled";
    public static final String HISTORY_KEY = "bb:crr:resume:history";
    private static final int HISTORY_SIZE = 100;

    // delete the field only if it still holds the due time we saw: a newer schedule is never lost
    private static final String CLAIM = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then "
            + "return redis.call('HDEL', KEYS[1], ARGV[1]) else return 0 end";

    private final UnifiedJedis redis;

    public ResumeSchedule(UnifiedJedis redis) {
        this.redis = redis;
    }

    public void schedule(String site, Instant at) {
        redis.hset(KEY, site, Long.toString(at.toEpochMilli()));
    }

    public void cancel(String site) {
        redis.hdel(KEY, site);
    }

    public Optional<Instant> get(String site) {
        String value = redis.hget(KEY, site);
        return Optional.ofNullable(value).map(v -> Instant.ofEpochMilli(Long.parseLong(v)));
    }

    /** All scheduled resumes, by site. */
    public Map<String, Instant> all() {
        Map<String, Instant> all = new TreeMap<>();
        redis.hgetAll(KEY).forEach((site, at) -> all.put(site, Instant.ofEpochMilli(Long.parseLong(at))));
        return all;
    }

    /** Claims the resumes due at {@code now}: each due site is returned to exactly one caller across workers. */
    public List<Due> claimDue(Instant now) {
        List<Due> claimed = new ArrayList<>();
        for (Map.Entry<String, String> e : redis.hgetAll(KEY).entrySet()) {
            long at = Long.parseLong(e.getValue());
            if (at > now.toEpochMilli()) {
                continue;
            }
            Object won = redis.eval(CLAIM, List.of(KEY), List.of(e.getKey(), e.getValue()));
            if (won instanceof Long n && n == 1L) {
                claimed.add(new Due(e.getKey(), Instant.ofEpochMilli(at)));
            }
        }
        return claimed;
    }

    /** Records that {@code worker} resumed {@code site} for a resume due at {@code dueAt}. */
    public void recordFired(Due due, String worker, Instant firedAt, String outcome) {
        ObjectNode entry = Json.mapper().createObjectNode()
                .put("site", due.site())
                .put("scheduledFor", due.at().toString())
                .put("firedAt", firedAt.toString())
                .put("worker", worker)
                .put("outcome", outcome);
        redis.lpush(HISTORY_KEY, Json.write(entry));
        redis.ltrim(HISTORY_KEY, 0, HISTORY_SIZE - 1);
    }

    /** The recorded firings, newest first (JSON objects). */
    public List<String> history() {
        return redis.lrange(HISTORY_KEY, 0, -1);
    }

    public record Due(String site, Instant at) {
    }
}
