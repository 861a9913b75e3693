package io.backbeat.connect.sink.replication;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sink.retry.ReplicationFailure;

/**
 * What became of one log entry.
 *
 * @param entry   the entry
 * @param event   the status event to publish; null when the entry was skipped
 * @param failure the failure behind a FAILED event, else null
 * @param skipped why the entry needed no work (null unless skipped)
 * @param result  what the copy did (null unless COMPLETED)
 */
public record EntryOutcome(LogEntry entry, StatusEvent event, ReplicationFailure failure, String skipped,
                           ObjectReplicator.Result result) {

    public static EntryOutcome skipped(LogEntry entry, String why) {
        return new EntryOutcome(entry, null, null, why, null);
    }

    public boolean isSkipped() {
        return skipped != null;
    }

    public boolean isFailed() {
        return failure != null;
    }
}
