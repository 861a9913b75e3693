package io.backbeat.connect.sink.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.management.JMException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters and gauges of one replication sink task (one site), exposed over JMX and Connect plugin metrics
 * ({@link TaskMetrics}). The engine counts; the gauges read the engine's state through suppliers it installs.
 */
public final class ReplicationSinkMetrics implements ReplicationSinkMetricsMXBean, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSinkMetrics.class);
    public static final String JMX_TYPE = "replication-sink";

    private final String site;
    private final AtomicLong opsReplicated = new AtomicLong();
    private final AtomicLong bytesReplicated = new AtomicLong();
    private final AtomicLong opsFailed = new AtomicLong();
    private final AtomicLong bytesFailed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong replicasFound = new AtomicLong();
    private final AtomicLong badRecords = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong redisFailures = new AtomicLong();
    private final AtomicLong latencyLast = new AtomicLong();
    private final AtomicLong latencyMax = new AtomicLong();
    private final AtomicLong latencySum = new AtomicLong();
    private final AtomicLong latencyCount = new AtomicLong();
    private volatile LongSupplier inFlight = () -> 0;
    private volatile LongSupplier rpoMs = () -> 0;
    private ObjectName registered;

    public ReplicationSinkMetrics(String site) {
        this.site = site;
    }

    public String site() {
        return site;
    }

    public static ObjectName objectName(String site, String connector, String task) throws JMException {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("site", site);
        keys.put("connector", connector);
        keys.put("task", task);
        return TaskMetrics.objectName(JMX_TYPE, keys);
    }

    /** Registers the MBean; a failure is logged, never fatal. */
    public void register(String connector, String task) {
        try {
            registered = TaskMetrics.registerJmx(this, objectName(site, connector, task));
        } catch (JMException e) {
            LOG.warn("could not register JMX metrics of site {} connector {} task {}: {}", site, connector, task,
                    e.toString());
        }
    }

    /** Adds the metrics to the task's Connect plugin metrics (tagged with the site) where the worker has them. */
    public boolean registerPluginMetrics(Object context) {
        return TaskMetrics.tryPluginMetrics(context, "Backbeat replication to site " + site, byName(),
                Map.of("site", site));
    }

    @Override
    public void close() {
        TaskMetrics.unregisterJmx(registered);
        registered = null;
    }

    /** Installs the gauges' sources (the engine's in-flight count and oldest in-flight write time). */
    public void gauges(LongSupplier inFlightEntries, LongSupplier rpoMillis) {
        this.inFlight = inFlightEntries;
        this.rpoMs = rpoMillis;
    }

    /**
     * A replication completed.
     *
     * @param latencyMs source write to replica written, or a negative value when unknown
     */
    public void replicated(long bytes, long latencyMs) {
        opsReplicated.incrementAndGet();
        bytesReplicated.addAndGet(bytes);
        if (latencyMs >= 0) {
            latencyLast.set(latencyMs);
            latencyMax.accumulateAndGet(latencyMs, Math::max);
            latencySum.addAndGet(latencyMs);
            latencyCount.incrementAndGet();
        }
    }

    public void failed(long bytes) {
        opsFailed.incrementAndGet();
        bytesFailed.addAndGet(bytes);
    }

    public void skipped() {
        skipped.incrementAndGet();
    }

    /** A replication completed without a write: the destination already had the replica. */
    public void replicaFound() {
        replicasFound.incrementAndGet();
    }

    public void badRecord() {
        badRecords.incrementAndGet();
    }

    public void retried(long n) {
        retries.addAndGet(n);
    }

    public void redisFailed() {
        redisFailures.incrementAndGet();
    }

    @Override
    public long getOpsReplicated() {
        return opsReplicated.get();
    }

    @Override
    public long getBytesReplicated() {
        return bytesReplicated.get();
    }

    @Override
    public long getOpsFailed() {
        return opsFailed.get();
    }

    @Override
    public long getBytesFailed() {
        return bytesFailed.get();
    }

    @Override
    public long getEntriesSkipped() {
        return skipped.get();
    }

    @Override
    public long getReplicasFound() {
        return replicasFound.get();
    }

    @Override
    public long getBadRecords() {
        return badRecords.get();
    }

    @Override
    public long getTransientRetries() {
        return retries.get();
    }

    @Override
    public long getRedisFailures() {
        return redisFailures.get();
    }

    @Override
    public long getInFlightEntries() {
        return inFlight.getAsLong();
    }

    @Override
    public long getRpoMs() {
        return rpoMs.getAsLong();
    }

    @Override
    public long getReplicationLatencyMsLast() {
        return latencyLast.get();
    }

    @Override
    public long getReplicationLatencyMsMax() {
        return latencyMax.get();
    }

    @Override
    public long getReplicationLatencyMsSum() {
        return latencySum.get();
    }

    @Override
    public long getReplicationLatencyCount() {
        return latencyCount.get();
    }

    /** Every metric by its stable plugin-metrics name. */
    public Map<String, LongSupplier> byName() {
        Map<String, LongSupplier> m = new LinkedHashMap<>();
        m.put("ops-replicated", this::getOpsReplicated);
        m.put("bytes-replicated", this::getBytesReplicated);
        m.put("ops-failed", this::getOpsFailed);
        m.put("bytes-failed", this::getBytesFailed);
        m.put("entries-skipped", this::getEntriesSkipped);
        m.put("replicas-found", this::getReplicasFound);
        m.put("bad-records", this::getBadRecords);
        m.put("transient-retries", this::getTransientRetries);
        m.put("redis-failures", this::getRedisFailures);
        m.put("in-flight-entries", this::getInFlightEntries);
        m.put("rpo-ms", this::getRpoMs);
        m.put("replication-latency-ms-last", this::getReplicationLatencyMsLast);
        m.put("replication-latency-ms-max", this::getReplicationLatencyMsMax);
        m.put("replication-latency-ms-sum", this::getReplicationLatencyMsSum);
        m.put("replication-latency-count", this::getReplicationLatencyCount);
        return m;
    }

    @Override
    public String toString() {
        return "site=" + site + " " + TaskMetrics.describe(byName());
    }
}
