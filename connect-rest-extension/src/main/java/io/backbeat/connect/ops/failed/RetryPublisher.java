package io.backbeat.connect.ops.failed;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.StatusEvent;

/** Re-queues one entry for a site: its PENDING status event first, then the entry itself. */
public interface RetryPublisher extends AutoCloseable {

    /** Blocks until both records are acknowledged; throws when either could not be written. */
    void publish(StatusEvent pending, LogEntry entry);

    @Override
    void close();
}
