package io.backbeat.connect.sink.replication;

import io.backbeat.connect.model.LogEntry;

/** Does the work of one entry for one site; must not throw for a bad or failing entry. */
public interface EntryHandler {

    /** The destination site. */
    String site();

    EntryOutcome process(LogEntry entry);
}
