package io.backbeat.connect.sink.replication;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import io.backbeat.connect.model.LogEntry;

/**
 * Decides which entries may already have been replicated, so that the sink looks at the destination before it
 * copies them again. The sink is at least once: when a partition changes hands (a task restart, a rebalance, a
 * lost worker), the new owner is handed again every record after the last committed offset, including those its
 * previous owner copied but could not commit; and a source connector without exactly-once delivery journals the
 * same change twice after a crash. A second copy is harmless (same bytes) but it is a second version at the
 * destination, and a second transfer.
 *
 * <p>Only a record produced to the journal before this task was given its partition can have been handed to a
 * previous owner, and only an entry journaled well after its source write can be a replay of an earlier
 * journal entry (or a catch-up after downtime): those are checked in the default mode. Both tests allow
 * {@code graceMs} for clocks that differ between the workers and the source site.
 */
public final class ReplicaCheck {

    /** When to look for an existing replica. */
    public enum Mode {
        /** Entries a previous owner or an earlier journal entry may have replicated (the default). */
        REDELIVERIES,
        /** Every data copy: one HEAD more per object, catches every duplicate. */
        ALWAYS,
        /** Never: a redelivered entry is copied again (a second version of the same bytes). */
        NEVER;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode fromConfig(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    public static final ReplicaCheck NEVER = new ReplicaCheck(Mode.NEVER, 0, System::currentTimeMillis);

    private final Mode mode;
    private final long graceMs;
    private final LongSupplier clock;
    private final Map<TopicPartition, Long> assignedAt = new ConcurrentHashMap<>();

    public ReplicaCheck(Mode mode, long graceMs, LongSupplier clock) {
        this.mode = mode;
        this.graceMs = graceMs;
        this.clock = clock;
    }

    public Mode mode() {
        return mode;
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

    /** Whether {@code entry}, read from {@code record}, may have been replicated already. */
    public boolean mayBeReplicated(SinkRecord record, LogEntry entry) {
        switch (mode) {
            case ALWAYS:
                return true;
            case NEVER:
                return false;
            default:
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
    }

    @Override
    public String toString() {
        return mode == Mode.REDELIVERIES ? "redeliveries (grace " + graceMs + " ms)" : mode.configName();
    }
}
