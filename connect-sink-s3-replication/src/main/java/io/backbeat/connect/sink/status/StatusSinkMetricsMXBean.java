package io.backbeat.connect.sink.status;

/**
 * JMX view of one status write-back task, registered as
 * {@code io.backbeat.connect:type=replication-status-sink,connector=<name>,task=<id>}. Names are a public
 * contract (dashboards, the ops API): add, never rename.
 */
public interface StatusSinkMetricsMXBean {

    /** Status events written to the source metadata. */
    long getEventsApplied();

    /** COMPLETED events whose copy predates a source change: replica version recorded, site left PENDING. */
    long getSourceChanged();

    /** Events for a site that is COMPLETED already (COMPLETED is final). */
    long getSkippedAlreadyCompleted();

    /** Events whose status the metadata holds already (redeliveries). */
    long getSkippedUnchanged();

    /** Events for a version that no longer exists (deleted meanwhile). */
    long getSkippedVersionMissing();

    /** Conditional writes (mongodb writer) that found the document changed since it was read, and were redone. */
    long getConflictsRetried();

    /** Retries after transient failures (source unreachable, 5xx, timeouts). */
    long getTransientRetries();

    /** Events that could not be applied: unreadable records, events that do not fit the metadata (to the DLQ). */
    long getFailures();
}
