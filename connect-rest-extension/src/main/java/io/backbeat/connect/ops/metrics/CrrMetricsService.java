package io.backbeat.connect.ops.metrics;

import io.backbeat.connect.ops.OpsException;
import io.backbeat.connect.ops.sites.SiteConnectors;
import io.backbeat.connect.sink.failed.FailedEntryStore;
import io.backbeat.connect.sink.metrics.ReplicationStats;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Backbeat's CRR metric routes, same response shapes: pending and backlog (what waits in Kafka for the site,
 * plus the failures for backlog), completions and failures over 24 hours, throughput over the last 15
 * minutes, and per-object progress. Completions and throughput come from the counters the sinks record
 * ({@link ReplicationStats}); failures count the failed-entry sets, as Backbeat does.
 */
public class CrrMetricsService {

    public static final Set<String> TYPES = Set.of("pending", "backlog", "completions", "failures", "throughput", "all");

    static final long EXPIRY_S = ReplicationStats.EXPIRY_MS / 1000;
    static final long THROUGHPUT_WINDOW_MS = 900_000L;

    private final ReplicationStats stats;
    private final FailedEntryStore failed;
    private final SiteConnectors sites;
    private final PendingScanner scanner;
    private final Clock clock;

    public CrrMetricsService(ReplicationStats stats, FailedEntryStore failed, SiteConnectors sites,
                             PendingScanner scanner, Clock clock) {
        this.stats = stats;
        this.failed = failed;
        this.sites = sites;
        this.scanner = scanner;
        this.clock = clock;
    }

    /** {@code GET /_/metrics/crr/<site|all>/<type>}; no type means all. */
    public Map<String, Object> metric(String siteOrAll, String type) {
        String t = type == null || type.isEmpty() ? "all" : type.toLowerCase(Locale.ROOT);
        if (!TYPES.contains(t)) {
            throw OpsException.notFound("unknown metric type '" + type + "'; one of " + List.of("pending",
                    "backlog", "completions", "failures", "throughput", "all"));
        }
        List<String> targets = sites.resolve(siteOrAll);
        long now = clock.millis();
        Map<String, Object> response = new LinkedHashMap<>();
        PendingScanner.Pending pending = null;
        if (t.equals("pending") || t.equals("backlog") || t.equals("all")) {
            pending = pending(targets);
        }
        long failures = 0;
        long failedBytes = 0;
        if (t.equals("failures") || t.equals("backlog") || t.equals("all")) {
            for (String s : targets) {
                failures += failed.count(s, now);
            }
            failedBytes = sum(stats.sumBuckets(ReplicationStats.siteIds(targets, ReplicationStats.BYTES_FAIL), now));
        }
        if (t.equals("backlog") || t.equals("all")) {
            response.put("backlog", result("Number of incomplete replication operations (count) and number of "
                    + "incomplete bytes transferred (size)" + lowerBound(pending),
                    pending.count() + failures, pending.bytes() + failedBytes));
        }
        if (t.equals("completions") || t.equals("all")) {
            long ops = sum(stats.sumBuckets(ReplicationStats.siteIds(targets, ReplicationStats.OPS_DONE), now));
            long bytes = sum(stats.sumBuckets(ReplicationStats.siteIds(targets, ReplicationStats.BYTES_DONE), now));
            response.put("completions", result("Number of completed replication operations (count) and number of "
                    + "bytes transferred (size) in the last " + EXPIRY_S + " seconds", ops, bytes));
        }
        if (t.equals("failures") || t.equals("all")) {
            response.put("failures", result("Number of failed replication operations (count) and bytes (size) in "
                    + "the last " + EXPIRY_S + " seconds", failures, failedBytes));
        }
        if (t.equals("throughput") || t.equals("all")) {
            double ops = perSecond(stats.sumBuckets(ReplicationStats.siteIds(targets, ReplicationStats.OPS_DONE), now), now);
            double bytes = perSecond(stats.sumBuckets(ReplicationStats.siteIds(targets, ReplicationStats.BYTES_DONE), now), now);
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("count", String.format(Locale.ROOT, "%.2f", ops));
            results.put("size", String.format(Locale.ROOT, "%.2f", bytes));
            response.put("throughput", Map.of("description", "Current throughput for replication operations in "
                    + "ops/sec (count) and bytes/sec (size) in the last " + THROUGHPUT_WINDOW_MS / 1000 + " seconds",
                    "results", results));
        }
        if (t.equals("pending") || t.equals("all")) {
            response.put("pending", result("Number of pending replication operations (count) and bytes (size)"
                    + lowerBound(pending), pending.count(), pending.bytes()));
        }
        return response;
    }

    /** {@code GET /_/metrics/crr/<site>/progress/<bucket>/<key>?versionId=}. */
    public Map<String, Object> progress(String site, String bucket, String key, String versionId) {
        sites.requireKnown(site);
        long now = clock.millis();
        long total = sum(stats.buckets(ReplicationStats.objectId(site, bucket, key, versionId,
                ReplicationStats.OBJECT_BYTES), now));
        long done = sum(stats.buckets(ReplicationStats.objectId(site, bucket, key, versionId,
                ReplicationStats.OBJECT_BYTES_DONE), now));
        long percent = total == 0 ? 0 : Math.round(Math.min(done, total) * 100.0 / total);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("description", "Number of bytes to be replicated (pending), number of bytes transferred to "
                + "the destination (completed), and percentage of the object that has completed replication (progress)");
        response.put("pending", Math.max(0, total - done));
        response.put("completed", done);
        response.put("progress", percent + "%");
        return response;
    }

    /** {@code GET /_/metrics/crr/<site>/throughput/<bucket>/<key>?versionId=}. */
    public Map<String, Object> objectThroughput(String site, String bucket, String key, String versionId) {
        sites.requireKnown(site);
        long now = clock.millis();
        double bytes = perSecond(stats.buckets(ReplicationStats.objectId(site, bucket, key, versionId,
                ReplicationStats.OBJECT_BYTES_DONE), now), now);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("description", "Current throughput for object replication in bytes/sec (throughput)");
        response.put("throughput", String.format(Locale.ROOT, "%.2f", bytes));
        return response;
    }

    private PendingScanner.Pending pending(List<String> targets) {
        PendingScanner.Pending total = new PendingScanner.Pending(0, 0, 0, false);
        for (String site : targets) {
            for (String connector : sites.connectors(site)) {
                try {
                    total = total.plus(scanner.scan(site, sites.consumerGroup(connector)));
                } catch (RuntimeException e) {
                    throw OpsException.unavailable("Could not count the entries waiting for site " + site + ": "
                            + e.getMessage(), e);
                }
            }
        }
        return total;
    }

    /**
     * Average per second over the last 15 minutes: the current (partial) bucket, the two before it, and the
     * share of the fourth that still falls in the window (Backbeat's computation).
     */
    static double perSecond(long[] buckets, long nowMs) {
        long elapsedInCurrent = nowMs - ReplicationStats.bucketOf(nowMs);
        int full = (int) (THROUGHPUT_WINDOW_MS / ReplicationStats.INTERVAL_MS);
        double total = 0;
        for (int i = 0; i < full; i++) {
            total += buckets[i];
        }
        total += buckets[full] * (double) (ReplicationStats.INTERVAL_MS - elapsedInCurrent) / ReplicationStats.INTERVAL_MS;
        return total / (THROUGHPUT_WINDOW_MS / 1000.0);
    }

    private static Map<String, Object> result(String description, long count, long size) {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("count", count);
        results.put("size", size);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", description);
        m.put("results", results);
        return m;
    }

    private static String lowerBound(PendingScanner.Pending p) {
        return p.truncated() ? " (lower bound: the count stopped at the scan limit)" : "";
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }
}
