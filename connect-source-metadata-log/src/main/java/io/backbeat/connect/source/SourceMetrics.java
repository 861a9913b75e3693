package io.backbeat.connect.source;

import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counters of one source task, exposed over JMX (and Connect plugin metrics on workers that have them). */
public final class SourceMetrics implements SourceMetricsMXBean, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceMetrics.class);
    public static final String JMX_DOMAIN = "io.backbeat.connect";
    public static final String JMX_TYPE = "metadata-log-source";

    private final AtomicLong eventsRead = new AtomicLong();
    private final AtomicLong entriesProduced = new AtomicLong();
    private final AtomicLong possibleReplays = new AtomicLong();
    private final Map<ChangeEventConverter.SkipKind, AtomicLong> skipped =
            new EnumMap<>(ChangeEventConverter.SkipKind.class);
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong historyLostRestarts = new AtomicLong();
    private final AtomicLong lastEventClusterTimeMs = new AtomicLong();
    private volatile boolean caughtUp = true;
    private final LongSupplier clock;
    private ObjectName registered;

    public SourceMetrics(LongSupplier clock) {
        this.clock = clock;
        for (ChangeEventConverter.SkipKind k : ChangeEventConverter.SkipKind.values()) {
            skipped.put(k, new AtomicLong());
        }
    }

    public static ObjectName objectName(String connector, String task) throws JMException {
        return new ObjectName(JMX_DOMAIN + ":type=" + JMX_TYPE + ",connector=" + ObjectName.quote(connector)
                + ",task=" + ObjectName.quote(task));
    }

    /** Registers the MBean; a failure is logged, never fatal (metrics must not stop the stream). */
    void register(String connector, String task) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(connector, task);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name); // a previous instance of this task that did not stop cleanly
            }
            server.registerMBean(this, name);
            registered = name;
        } catch (JMException e) {
            LOG.warn("Could not register JMX metrics for connector {} task {}: {}", connector, task, e.toString());
        }
    }

    @Override
    public void close() {
        if (registered != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
            } catch (JMException e) {
                LOG.debug("JMX metrics already unregistered: {}", e.toString());
            }
            registered = null;
        }
    }

    void eventRead(long clusterTimeMs) {
        eventsRead.incrementAndGet();
        lastEventClusterTimeMs.set(clusterTimeMs);
        caughtUp = false;
    }

    void possibleReplay() {
        possibleReplays.incrementAndGet();
    }

    @Override
    public long getEntriesMarkedPossibleReplay() {
        return possibleReplays.get();
    }

    void caughtUp() {
        caughtUp = true;
    }

    void entryProduced() {
        entriesProduced.incrementAndGet();
    }

    void skipped(ChangeEventConverter.SkipKind kind) {
        skipped.get(kind).incrementAndGet();
    }

    void malformed() {
        malformed.incrementAndGet();
    }

    void heartbeat() {
        heartbeats.incrementAndGet();
    }

    void historyLostRestart() {
        historyLostRestarts.incrementAndGet();
    }

    long skippedCount(ChangeEventConverter.SkipKind kind) {
        return skipped.get(kind).get();
    }

    @Override
    public long getEventsRead() {
        return eventsRead.get();
    }

    @Override
    public long getEntriesProduced() {
        return entriesProduced.get();
    }

    @Override
    public long getSkippedPlaceholder() {
        return skippedCount(ChangeEventConverter.SkipKind.PLACEHOLDER);
    }

    @Override
    public long getSkippedDeleteFollowUp() {
        return skippedCount(ChangeEventConverter.SkipKind.DELETE_FOLLOW_UP);
    }

    @Override
    public long getSkippedDocumentGone() {
        return skippedCount(ChangeEventConverter.SkipKind.DOCUMENT_GONE);
    }

    @Override
    public long getSkippedFiltered() {
        return skippedCount(ChangeEventConverter.SkipKind.FILTERED);
    }

    @Override
    public long getSkippedNotAWrite() {
        return skippedCount(ChangeEventConverter.SkipKind.NOT_A_WRITE);
    }

    @Override
    public long getMalformed() {
        return malformed.get();
    }

    @Override
    public long getHeartbeats() {
        return heartbeats.get();
    }

    @Override
    public long getHistoryLostRestarts() {
        return historyLostRestarts.get();
    }

    @Override
    public long getLastEventClusterTimeMs() {
        return lastEventClusterTimeMs.get();
    }

    @Override
    public long getSourceLagMs() {
        long last = lastEventClusterTimeMs.get();
        return caughtUp || last == 0 ? 0 : Math.max(0, clock.getAsLong() - last);
    }

    /** Every metric by its stable name, for plugin metrics and tests. */
    Map<String, LongSupplier> byName() {
        Map<String, LongSupplier> m = new java.util.LinkedHashMap<>();
        m.put("events-read", this::getEventsRead);
        m.put("entries-produced", this::getEntriesProduced);
        m.put("entries-marked-possible-replay", this::getEntriesMarkedPossibleReplay);
        for (ChangeEventConverter.SkipKind k : ChangeEventConverter.SkipKind.values()) {
            m.put("skipped-" + k.label, () -> skippedCount(k));
        }
        m.put("malformed", this::getMalformed);
        m.put("heartbeats", this::getHeartbeats);
        m.put("history-lost-restarts", this::getHistoryLostRestarts);
        m.put("last-event-cluster-time-ms", this::getLastEventClusterTimeMs);
        m.put("source-lag-ms", this::getSourceLagMs);
        return m;
    }
}
