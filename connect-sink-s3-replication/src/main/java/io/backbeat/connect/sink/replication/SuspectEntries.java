package io.backbeat.connect.sink.replication;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import io.backbeat.connect.model.LogEntry;

/**
 * Tells the entries that may be stale or already handled: those are re-read at the source and looked up at the
 * destination before they are copied ({@code source.metadata.reread}, {@code replica.check}). The sink is at
 * least once: when a partition changes hands (a task restart, a rebalance, a lost worker), the new owner is handed
 * again every record after the last committed offset, including those its previous owner copied but could not
 * commit; and a source connector without exactly-once delivery journals the same change twice after a crash.
 *
 * <p>Told without any state: the source marks the entries of changes written before its task started
 * ({@link LogEntry#POSSIBLE_REPLAY_HEADER}: its predecessor may have journaled them); only a record produced to
 * the journal before this task was given its partition can have been handed to a previous owner; and an entry
 * journaled well after its source write may be a replay (or a catch-up after downtime) from a source that does not
 * mark. The time tests allow {@code graceMs} for clocks that differ between the workers and the source site.
 */
public final class SuspectEntries {

    private final long graceMs;
    private final LongSupplier clock;
    private final Map<TopicPartition, Long> assignedAt = new ConcurrentHashMap<>();

    public SuspectEntries(long graceMs, LongSupplier clock) {
        this.graceMs = graceMs;
        this.clock = clock;
    }

    /** The task was given these partitions now. */
    public void assigned(Collection<TopicPartition> partitions) {
        long now = clock.getAsLong();
        for (TopicPartition tp : partitions) {
            assignedAt.put(tp, now);
        }
    }

    public void revoked(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            assignedAt.remove(tp);
        }
    }

    /** Whether {@code entry}, read from {@code record}, may be stale or may have been replicated already. */
    public boolean isSuspect(SinkRecord record, LogEntry entry) {
        if (record.headers().lastWithName(LogEntry.POSSIBLE_REPLAY_HEADER) != null) {
            return true;
        }
        Long journaled = record.timestamp();
        if (journaled == null || journaled < 0) {
            return true; // no time to tell by
        }
        // a partition that was never announced counts as assigned when its first record arrives
        long since = assignedAt.computeIfAbsent(new TopicPartition(record.originalTopic(),
                record.originalKafkaPartition()), tp -> clock.getAsLong());
        boolean beforeAssignment = journaled < since + graceMs;
        boolean journaledLate = journaled - entry.operationTimeMs() > graceMs;
        return beforeAssignment || journaledLate;
    }

    @Override
    public String toString() {
        return "grace " + graceMs + " ms";
    }
}
