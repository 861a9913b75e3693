package io.backbeat.connect.sink.replication;

import java.util.TreeSet;

/**
 * Offsets of one partition handed to the engine and not finished yet. While one is in flight, the committable
 * offset is the lowest unfinished one (everything below it is done); otherwise it is the framework's own.
 */
final class PartitionProgress {

    private final TreeSet<Long> pending = new TreeSet<>();

    synchronized void track(long offset) {
        pending.add(offset);
    }

    synchronized void done(long offset) {
        pending.remove(offset);
    }

    /** The lowest offset handed to the engine and not finished, or -1 when none is in flight. */
    synchronized long firstPending() {
        return pending.isEmpty() ? -1 : pending.first();
    }

    synchronized int pendingCount() {
        return pending.size();
    }
}
