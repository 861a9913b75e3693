package io.backbeat.connect.sink.status;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.management.JMException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.sink.metrics.TaskMetrics;

/** Counters of one status write-back task, exposed over JMX (and Connect plugin metrics where available). */
public final class StatusSinkMetrics implements StatusSinkMetricsMXBean, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusSinkMetrics.class);
    public static final String JMX_DOMAIN = TaskMetrics.JMX_DOMAIN;
    public static final String JMX_TYPE = "replication-status-sink";

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong sourceChanged = new AtomicLong();
    private final AtomicLong alreadyCompleted = new AtomicLong();
    private final AtomicLong unchanged = new AtomicLong();
    private final AtomicLong versionMissing = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private ObjectName registered;

    public static ObjectName objectName(String connector, String task) throws JMException {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("connector", connector);
        keys.put("task", task);
        return TaskMetrics.objectName(JMX_TYPE, keys);
    }

    /** Registers the MBean; a failure is logged, never fatal (metrics must not stop the write-back). */
    public void register(String connector, String task) {
        try {
            registered = TaskMetrics.registerJmx(this, objectName(connector, task));
        } catch (JMException e) {
            LOG.warn("could not register JMX metrics for connector {} task {}: {}", connector, task, e.toString());
        }
    }

    /** Adds the metrics to the task's Connect plugin metrics where the worker has them. */
    public boolean registerPluginMetrics(Object context) {
        return TaskMetrics.tryPluginMetrics(context, "Backbeat replication status write-back", byName(), Map.of());
    }

    @Override
    public void close() {
        TaskMetrics.unregisterJmx(registered);
        registered = null;
    }

    void applied() {
        applied.incrementAndGet();
    }

    void sourceChanged() {
        sourceChanged.incrementAndGet();
    }

    void skippedAlreadyCompleted() {
        alreadyCompleted.incrementAndGet();
    }

    void skippedUnchanged() {
        unchanged.incrementAndGet();
    }

    void skippedVersionMissing() {
        versionMissing.incrementAndGet();
    }

    void conflicts(int n) {
        conflicts.addAndGet(n);
    }

    void retried(int n) {
        retries.addAndGet(n);
    }

    void failed() {
        failures.incrementAndGet();
    }

    @Override
    public long getEventsApplied() {
        return applied.get();
    }

    @Override
    public long getSourceChanged() {
        return sourceChanged.get();
    }

    @Override
    public long getSkippedAlreadyCompleted() {
        return alreadyCompleted.get();
    }

    @Override
    public long getSkippedUnchanged() {
        return unchanged.get();
    }

    @Override
    public long getSkippedVersionMissing() {
        return versionMissing.get();
    }

    @Override
    public long getConflictsRetried() {
        return conflicts.get();
    }

    @Override
    public long getTransientRetries() {
        return retries.get();
    }

    @Override
    public long getFailures() {
        return failures.get();
    }

    /** Every metric by its stable name, for plugin metrics and logs. */
    public Map<String, LongSupplier> byName() {
        Map<String, LongSupplier> m = new LinkedHashMap<>();
        m.put("events-applied", this::getEventsApplied);
        m.put("source-changed", this::getSourceChanged);
        m.put("skipped-already-completed", this::getSkippedAlreadyCompleted);
        m.put("skipped-unchanged", this::getSkippedUnchanged);
        m.put("skipped-version-missing", this::getSkippedVersionMissing);
        m.put("conflicts-retried", this::getConflictsRetried);
        m.put("transient-retries", this::getTransientRetries);
        m.put("failures", this::getFailures);
        return m;
    }

    @Override
    public String toString() {
        return TaskMetrics.describe(byName());
    }
}
