package io.backbeat.connect.sink.replication;

import io.backbeat.connect.model.LogEntry;

/** Does the work of one entry for one site; must not throw for a bad or failing entry. */
public interface EntryHandler {

    /** The destination site. */
    String site();

    /**
     * @param mayBeReplicated whether the entry may have been replicated already (a redelivery, a replayed journal
     *                        entry: {@link ReplicaCheck}); the handler then looks for the replica before copying
     */
    EntryOutcome process(LogEntry entry, boolean mayBeReplicated);

    /** An entry seen for the first time. */
    default EntryOutcome process(LogEntry entry) {
        return process(entry, false);
    }
}
