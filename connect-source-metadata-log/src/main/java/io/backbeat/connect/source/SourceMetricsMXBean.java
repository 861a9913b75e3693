package io.backbeat.connect.source;

/**
 * JMX view of one source task, registered as
 * {@code io.backbeat.connect:type=metadata-log-source,connector=<name>,task=<id>}. Names are a public
 * contract (dashboards, the ops API): add, never rename.
 */
public interface SourceMetricsMXBean {

    /** Change events received from MongoDB (after the server-side filter). */
    long getEventsRead();

    /** Log entries handed to Connect. */
    long getEntriesProduced();

    /**
     * Entries of changes written before this task started, marked as possible replays (header
     * {@code backbeat.possible-replay}): its catch-up after a restart or a failover.
     */
    long getEntriesMarkedPossibleReplay();

    long getSkippedPlaceholder();

    long getSkippedDeleteFollowUp();

    long getSkippedDocumentGone();

    long getSkippedFiltered();

    long getSkippedNotAWrite();

    /** Malformed change events (logged, counted, sent to the errors topic when configured). */
    long getMalformed();

    long getHeartbeats();

    /** Times the stream restarted from startup.timestamp after its history was lost. */
    long getHistoryLostRestarts();

    /** Cluster time of the last event read, epoch ms (0 before the first event). */
    long getLastEventClusterTimeMs();

    /** How far behind the database the task is: 0 when caught up, else now minus the last event's time. */
    long getSourceLagMs();
}
