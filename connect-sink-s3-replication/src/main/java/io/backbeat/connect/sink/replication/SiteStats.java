package io.backbeat.connect.sink.replication;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sink.metrics.ReplicationSinkMetrics;
import io.backbeat.connect.sink.metrics.ReplicationStats;

/**
 * Where the replication of one site reports what it did: the task's JMX/plugin metrics always, and Backbeat's
 * Redis counters ({@link ReplicationStats}, read by the ops API) when Redis is configured. A Redis write that
 * fails is counted ({@code RedisFailures}) and logged, never fails the entry: the status event is the record.
 */
public final class SiteStats {

    private static final Logger LOG = LoggerFactory.getLogger(SiteStats.class);

    private final String site;
    private final ReplicationSinkMetrics metrics;
    private final ReplicationStats redis;
    private final LongSupplier clock;
    private final AtomicLong redisErrors = new AtomicLong();

    /**
     * @param redis null when no Redis is configured
     */
    public SiteStats(ReplicationSinkMetrics metrics, ReplicationStats redis, LongSupplier clock) {
        this.site = metrics.site();
        this.metrics = metrics;
        this.redis = redis;
        this.clock = clock;
    }

    /** Metrics only (no Redis), wall clock. */
    public static SiteStats metricsOnly(String site) {
        return new SiteStats(new ReplicationSinkMetrics(site), null, System::currentTimeMillis);
    }

    public ReplicationSinkMetrics metrics() {
        return metrics;
    }

    public String site() {
        return site;
    }

    /** A data copy of the entry's version starts; {@code size} bytes will be written. */
    public void objectStarted(LogEntry entry, long size) {
        if (redis != null) {
            redisWrite("object start", () -> redis.recordObjectStarted(site, entry.bucket(), entry.objectKey(),
                    entry.versionId(), size, clock.getAsLong()));
        }
    }

    /** {@code bytes} of the entry's version were written to the site (one part, or the whole object). */
    public void objectBytes(LogEntry entry, long bytes) {
        if (redis != null) {
            redisWrite("object progress", () -> redis.recordObjectBytes(site, entry.bucket(), entry.objectKey(),
                    entry.versionId(), bytes, clock.getAsLong()));
        }
    }

    /** The COMPLETED status event of a replication was acknowledged. */
    public void replicated(StatusEvent event) {
        long bytes = event.contentLength() == null ? 0 : event.contentLength();
        long latency = event.replicatedTimeMs() == null ? -1
                : Math.max(0, event.replicatedTimeMs() - event.sourceWriteTimeMs());
        // Redis first: whoever sees the metric move may rely on the ops API counting it too
        if (redis != null) {
            redisWrite("completion", () -> redis.recordDone(site, bytes, clock.getAsLong()));
        }
        metrics.replicated(bytes, latency);
        metrics.retried(Math.max(0, event.attempts() - 1));
    }

    /** The FAILED status event of a replication was acknowledged; {@code bytes} is the version's size. */
    public void failed(StatusEvent event, long bytes) {
        if (redis != null) {
            redisWrite("failure", () -> redis.recordFailed(site, bytes, clock.getAsLong()));
        }
        metrics.failed(bytes);
        metrics.retried(Math.max(0, event.attempts() - 1));
    }

    private void redisWrite(String what, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            metrics.redisFailed();
            long n = redisErrors.incrementAndGet();
            // an outage fails every write: log the first and then one in a hundred
            if (n == 1 || n % 100 == 0) {
                LOG.warn("site {}: could not record the {} in Redis ({} such failures so far): {}", site, what, n,
                        e.toString());
            }
        }
    }
}
