package io.backbeat.connect.sink.replication;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sink.retry.ReplicationFailure;

/**
 * What became of one log entry.
 *
 * @param entry   the entry
 * @param event   the status event to publish; null when the entry was skipped or abandoned
 * @param failure the failure behind a FAILED event, or the interruption of an abandoned entry, else null
 * @param skipped why the entry needed no work (null unless skipped)
 * @param result  what the copy did (null unless COMPLETED)
 */
public record EntryOutcome(LogEntry entry, StatusEvent event, ReplicationFailure failure, String skipped,
                           ObjectReplicator.Result result) {

    public static EntryOutcome skipped(LogEntry entry, String why) {
        return new EntryOutcome(entry, null, null, why, null);
    }

    /**
     * The task stopped while the entry was being replicated: no status, no failure record; its offset stays
     * uncommitted and the task that takes the partition next does it again.
     */
    public static EntryOutcome abandoned(LogEntry entry, ReplicationFailure interruption) {
        return new EntryOutcome(entry, null, interruption, null, null);
    }

    public boolean isSkipped() {
        return skipped != null;
    }

    public boolean isAbandoned() {
        return failure != null && failure.isInterruption();
    }

    /** Whether the entry FAILED (a FAILED status event to publish). */
    public boolean isFailed() {
        return failure != null && !failure.isInterruption();
    }
}
