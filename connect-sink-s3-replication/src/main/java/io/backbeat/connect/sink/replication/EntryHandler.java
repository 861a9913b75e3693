package io.backbeat.connect.sink.replication;

import io.backbeat.connect.model.LogEntry;

/** Does the work of one entry for one site; must not throw for a bad or failing entry. */
public interface EntryHandler {

    /** The destination site. */
    String site();

    /**
     * @param suspect whether the entry may be stale or handled before (a redelivery, a replayed journal entry:
     *                {@link SuspectEntries}): the handler then re-reads it and looks for its replica before copying
     */
    EntryOutcome process(LogEntry entry, boolean suspect);

    /** An entry seen for the first time. */
    default EntryOutcome process(LogEntry entry) {
        return process(entry, false);
    }
}
