package io.backbeat.connect.sink.metrics;

/**
 * JMX view of one replication sink task, registered as
 * {@code io.backbeat.connect:type=replication-sink,site=<site>,connector=<name>,task=<id>}. Names are a public
 * contract (dashboards, docker/jmx-exporter.yml, docs/operations.md): add, never rename.
 */
public interface ReplicationSinkMetricsMXBean {

    /** Object versions replicated to the site (status event COMPLETED acknowledged). */
    long getOpsReplicated();

    /** Data bytes written by those replications (0 for delete markers and tag updates). */
    long getBytesReplicated();

    /** Object versions whose replication failed for good (status event FAILED acknowledged). */
    long getOpsFailed();

    /** Size of the object versions that failed. */
    long getBytesFailed();

    /** Entries that needed no work (already COMPLETED, version gone, replica, not a target...). */
    long getEntriesSkipped();

    /**
     * Entries that may have been replicated before (a redelivery after a task restart or a rebalance, a replayed
     * journal entry) whose replica was found at the destination: completed without a second copy (they count
     * in ops-replicated too, with no bytes).
     */
    long getReplicasFound();

    /** Records that were not log entries (to the DLQ when configured). */
    long getBadRecords();

    /** Retries after transient failures of S3 calls and metadata reads. */
    long getTransientRetries();

    /** Redis writes (failed entries, replication counters) that did not go through. */
    long getRedisFailures();

    /** Entries accepted by the task and not done yet (copying, or waiting behind an earlier entry of the object). */
    long getInFlightEntries();

    /** Recovery point: age in ms of the oldest entry in flight (now minus its source write time); 0 when idle. */
    long getRpoMs();

    /** Source write to replica written, ms, of the latest replication. */
    long getReplicationLatencyMsLast();

    /** Largest source-write-to-replica-written time seen, ms. */
    long getReplicationLatencyMsMax();

    /** Sum of source-write-to-replica-written times, ms (divide by the count for the mean). */
    long getReplicationLatencyMsSum();

    /** Replications counted in the latency sum. */
    long getReplicationLatencyCount();
}
