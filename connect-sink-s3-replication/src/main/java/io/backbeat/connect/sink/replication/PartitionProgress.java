package io.backbeat.connect.sink.replication;

import java.util.TreeSet;

/**
 * Offsets of one partition handed to the engine and not finished yet. The committable offset is the lowest
 * unfinished one (everything below it is done), or one past the highest seen when all are done.
 */
final class PartitionProgress {

    private final TreeSet<Long> pending = new TreeSet<>();
    private long highestSeen = -1;

    synchronized void track(long offset) {
        pending.add(offset);
        highestSeen = Math.max(highestSeen, offset);
    }

    synchronized void done(long offset) {
        pending.remove(offset);
    }

    /** The offset to commit (next to consume), or -1 when nothing was seen. */
    synchronized long committable() {
        if (!pending.isEmpty()) {
            return pending.first();
        }
        return highestSeen < 0 ? -1 : highestSeen + 1;
    }

    synchronized int pendingCount() {
        return pending.size();
    }
}
