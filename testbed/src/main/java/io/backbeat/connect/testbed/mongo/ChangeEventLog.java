package io.backbeat.connect.testbed.mongo;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import de.bwaldvogel.mongo.bson.Document;
import io.backbeat.connect.testbed.mongo.ChangeEvent.Namespace;
import io.backbeat.connect.testbed.mongo.ChangeEvent.OperationType;

/**
 * The stand-in's journal: every effective write of every user database, in one global order.
 *
 * <p>One lock gives the order. Writers call in while holding their collection's monitor; the journal never
 * calls out while holding its own lock (wake-ups run after it is released), so readers, which look documents
 * up in collections, cannot deadlock with writers.
 *
 * <p>History can be cut ({@link #truncateBefore(long)}) to simulate an oplog that rolled over: afterwards a
 * stream that needs an event older than the cut fails with ChangeStreamHistoryLost, as on a real server.
 * Like a real (capped) oplog, history is also cut by itself once it holds more than its limit of events.
 */
final class ChangeEventLog {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeEventLog.class);

    /** What a cursor gets from one read. */
    record Slice(List<ChangeEvent> events, boolean reachedEnd, long clusterTime) {
    }

    private final Clock clock;
    private final int historyLimit;
    private final Object lock = new Object();
    private final ArrayList<ChangeEvent> events = new ArrayList<>();
    private final List<Runnable> waiters = new ArrayList<>();
    /** The newest cluster time handed out (or the start time while nothing was written). */
    private long clusterTime;
    /** The oldest cluster time still in history; 0 while nothing was ever cut. */
    private long historyStart;

    /**
     * @param historyLimit events kept; once exceeded by a tenth, the oldest are cut back to the limit
     */
    ChangeEventLog(Clock clock, int historyLimit) {
        if (historyLimit < 1) {
            throw new IllegalArgumentException("history limit must be at least 1 event, got " + historyLimit);
        }
        this.clock = clock;
        this.historyLimit = historyLimit;
        this.clusterTime = pack(clock.millis() / 1000, 0);
    }

    static long pack(long seconds, long increment) {
        return (seconds << 32) | (increment & 0xFFFFFFFFL);
    }

    ChangeEvent append(OperationType type, Namespace ns, Object documentId, Document document,
                       Document updateDescription, Namespace to) {
        ChangeEvent event;
        List<Runnable> toWake;
        synchronized (lock) {
            long wallMs = clock.millis();
            long seconds = wallMs / 1000;
            clusterTime = seconds > (clusterTime >>> 32) ? pack(seconds, 1) : clusterTime + 1;
            event = new ChangeEvent(clusterTime, wallMs, type, ns, documentId, document, updateDescription, to);
            events.add(event);
            if (events.size() > historyLimit + Math.max(1, historyLimit / 10)) {
                truncateBefore(events.get(events.size() - historyLimit).clusterTime());
            }
            toWake = drainWaiters();
        }
        for (Runnable waiter : toWake) {
            try {
                waiter.run();
            } catch (RuntimeException e) {
                // a waiter belongs to a getMore of a connection that is gone; the write itself succeeded
                LOG.debug("could not wake a waiting change-stream getMore", e);
            }
        }
        return event;
    }

    /** The newest cluster time (what replies report as operationTime). */
    long clusterTime() {
        synchronized (lock) {
            return clusterTime;
        }
    }

    /**
     * Up to {@code max} events after {@code position} (exclusive).
     *
     * @throws de.bwaldvogel.mongo.exception.MongoServerError ChangeStreamHistoryLost when events after
     *                                                        {@code position} were cut from history
     */
    Slice readAfter(long position, int max) {
        synchronized (lock) {
            requireHistoryFrom(position + 1);
            int from = firstIndexAfter(position);
            int to = (int) Math.min(events.size(), (long) from + max);
            return new Slice(List.copyOf(events.subList(from, to)), to == events.size(), clusterTime);
        }
    }

    /** True when an event newer than {@code position} exists (lets an awaiting cursor re-check cheaply). */
    boolean hasEventsAfter(long position) {
        synchronized (lock) {
            return !events.isEmpty() && events.get(events.size() - 1).clusterTime() > position;
        }
    }

    /** The event recorded at exactly this cluster time, or null (never written, or cut from history). */
    ChangeEvent eventAt(long time) {
        synchronized (lock) {
            int index = firstIndexAfter(time - 1);
            if (index < events.size() && events.get(index).clusterTime() == time) {
                return events.get(index);
            }
            return null;
        }
    }

    /**
     * Checks that a stream may start with the event at {@code firstWanted} (inclusive).
     *
     * @throws de.bwaldvogel.mongo.exception.MongoServerError ChangeStreamHistoryLost otherwise
     */
    void requireHistoryFrom(long firstWanted) {
        synchronized (lock) {
            if (firstWanted < historyStart) {
                throw StandInErrors.historyLost();
            }
        }
    }

    /** Registers a one-shot callback run (on the appending thread, outside the lock) after the next append. */
    void onNextAppend(Runnable waiter) {
        synchronized (lock) {
            waiters.add(waiter);
        }
    }

    void cancelWaiter(Runnable waiter) {
        synchronized (lock) {
            waiters.remove(waiter);
        }
    }

    /** Forgets every waiter (the server stopped: their connections are gone). */
    void cancelAllWaiters() {
        synchronized (lock) {
            waiters.clear();
        }
    }

    /**
     * Cuts history: events older than {@code time} are gone, and so is every stream position before it.
     * A cut in the future also moves the cluster clock up to it.
     *
     * @return how many events were dropped
     */
    int truncateBefore(long time) {
        synchronized (lock) {
            historyStart = Math.max(historyStart, time);
            clusterTime = Math.max(clusterTime, historyStart - 1);
            int cut = firstIndexAfter(historyStart - 1);
            events.subList(0, cut).clear();
            return cut;
        }
    }

    /** Cuts all history written so far. */
    int truncateAll() {
        synchronized (lock) {
            return truncateBefore(clusterTime + 1);
        }
    }

    /** Events still in history. */
    int size() {
        synchronized (lock) {
            return events.size();
        }
    }

    long historyStart() {
        synchronized (lock) {
            return historyStart;
        }
    }

    private List<Runnable> drainWaiters() {
        if (waiters.isEmpty()) {
            return List.of();
        }
        List<Runnable> drained = new ArrayList<>(waiters);
        waiters.clear();
        return drained;
    }

    /** Index of the first event with a cluster time greater than {@code position}. */
    private int firstIndexAfter(long position) {
        int low = 0;
        int high = events.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (events.get(mid).clusterTime() <= position) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
