package io.backbeat.connect.sink.replication;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.sink.DaemonThreads;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.sink.failed.FailedEntry;
import io.backbeat.connect.sink.failed.FailedEntryStore;
import io.backbeat.connect.sink.metrics.ReplicationSinkMetrics;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.Side;
import io.backbeat.connect.sink.status.StatusPublisher;

/**
 * Runs the entries a sink task receives: entries of one object (same Kafka key) strictly one after the
 * other, different objects in parallel on a bounded pool; an entry is done once its status event is
 * acknowledged (and, when it failed, its Redis failed entry written and the record sent to the DLQ), and
 * only offsets whose records are all done are offered for commit.
 *
 * <p>Thread model: {@link #submit}, {@link #committableOffsets} and {@link #closePartitions} are called by
 * the task thread; entries run on the worker pool; completions come back on worker or producer threads.
 */
public final class ReplicationEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationEngine.class);

    private final EntryHandler processor;
    private final StatusPublisher publisher;
    private final FailedEntryStore failedStore;
    private final ErrantRecordReporter dlq;
    private final Retrier bookkeepingRetrier;
    private final ExecutorService workers;
    /**
     * Runs what follows a copy (counters, the failed-entry list, the dead letter queue): on the workers' queue it
     * would wait behind every copy queued meanwhile, so entries would be marked done in bursts, after the whole
     * backlog, and a paused task would only resume once it had drained.
     */
    private final ExecutorService bookkeeping;
    private final SuspectEntries suspects;

    private final Object chainLock = new Object();
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object capacity = new Object();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final SiteStats stats;
    private final AtomicLong admitted = new AtomicLong();
    /** Source write time of each entry in flight, by admission number: the RPO gauge reads the oldest. */
    private final Map<Long, Long> inFlightWriteTimes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** An engine reporting to metrics only (no Redis counters), telling suspect entries with a 10 s grace. */
    public ReplicationEngine(EntryHandler processor, StatusPublisher publisher, FailedEntryStore failedStore,
                             ErrantRecordReporter dlq, Retrier bookkeepingRetrier, int concurrency) {
        this(processor, publisher, failedStore, dlq, bookkeepingRetrier, concurrency,
                SiteStats.metricsOnly(processor.site()), new SuspectEntries(10_000, System::currentTimeMillis));
    }

    /**
     * @param failedStore may be null (no Redis configured)
     * @param dlq         may be null (no DLQ configured, or a worker older than Kafka 2.6)
     * @param concurrency entries replicated at the same time
     * @param stats       where completions, failures and gauges are reported
     * @param suspects    which entries the handler is told may be stale or handled before
     */
    public ReplicationEngine(EntryHandler processor, StatusPublisher publisher, FailedEntryStore failedStore,
                             ErrantRecordReporter dlq, Retrier bookkeepingRetrier, int concurrency, SiteStats stats,
                             SuspectEntries suspects) {
        this.stats = stats;
        this.suspects = suspects;
        stats.metrics().gauges(inFlight::get, this::rpoMs);
        this.processor = processor;
        this.publisher = publisher;
        this.failedStore = failedStore;
        this.dlq = dlq;
        this.bookkeepingRetrier = bookkeepingRetrier;
        this.workers = Executors.newFixedThreadPool(concurrency, DaemonThreads.named("replication-" + processor.site()));
        this.bookkeeping = Executors.newFixedThreadPool(concurrency,
                DaemonThreads.named("replication-" + processor.site() + "-bookkeeping"));
    }

    /** What the engine did, for logs, tests and metrics. */
    public ReplicationSinkMetrics metrics() {
        return stats.metrics();
    }

    /** Age of the oldest entry in flight (now minus its source write time), 0 when none is. */
    long rpoMs() {
        long oldest = Long.MAX_VALUE;
        for (long t : inFlightWriteTimes.values()) {
            oldest = Math.min(oldest, t);
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
    }

    /** Records accepted and not done yet. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Throws the error that makes this task unable to go on (a status event that could not be delivered). */
    public void checkHealthy() {
        Throwable t = fatal.get();
        if (t != null) {
            throw new ConnectException("replication task cannot continue: " + t.getMessage()
                    + " (uncommitted entries will be redelivered after a restart)", t);
        }
    }

    /** Accepts records for replication; returns at once. */
    public void submit(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            submit(record);
        }
    }

    private void submit(SinkRecord record) {
        if (closed) {
            throw new IllegalStateException("engine closed");
        }
        TopicPartition tp = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
        long offset = record.originalKafkaOffset();
        PartitionProgress partition = progress.computeIfAbsent(tp, p -> new PartitionProgress());
        partition.track(offset);
        inFlight.incrementAndGet();

        LogEntry entry;
        String orderKey;
        try {
            entry = LogEntry.fromValue(record.value());
            orderKey = entry.kafkaKey();
        } catch (RuntimeException e) {
            entry = null;
            orderKey = "bad:" + tp;
            Throwable why = e;
            chain(orderKey, () -> CompletableFuture.runAsync(() -> { }, bookkeeping)
                            .thenCompose(v -> badRecord(record, why)),
                    partition, offset);
            return;
        }
        LogEntry e = entry;
        boolean suspect = suspects.isSuspect(record, e);
        long admission = admitted.incrementAndGet();
        inFlightWriteTimes.put(admission, e.operationTimeMs());
        chain(orderKey, () -> CompletableFuture.supplyAsync(() -> processor.process(e, suspect), workers)
                .thenCompose(outcome -> finish(record, outcome))
                .whenComplete((v, t) -> inFlightWriteTimes.remove(admission)), partition, offset);
    }

    /** Runs {@code job} after the previous job of the same key, and marks the record done when it ends. */
    private void chain(String key, java.util.function.Supplier<CompletableFuture<Void>> job,
                       PartitionProgress partition, long offset) {
        CompletableFuture<Void> next;
        synchronized (chainLock) {
            CompletableFuture<Void> previous = tails.get(key);
            CompletableFuture<Void> start = previous == null ? CompletableFuture.completedFuture(null)
                    : previous.handle((v, t) -> null);
            next = start.thenCompose(v -> job.get());
            tails.put(key, next);
        }
        next.whenComplete((v, error) -> {
            synchronized (chainLock) {
                tails.remove(key, next);
            }
            if (error != null) {
                // not done: the offset stays uncommitted and the task fails on its next call
                fatal.compareAndSet(null, unwrap(error));
                if (closed) {
                    LOG.debug("entry at {}:{} left for the next owner of its partition: {}", key, offset,
                            unwrap(error).toString());
                } else {
                    LOG.error("entry at {}:{} could not be completed: {}", key, offset, unwrap(error).toString());
                }
            } else {
                partition.done(offset);
            }
            inFlight.decrementAndGet();
            synchronized (capacity) {
                capacity.notifyAll();
            }
        });
    }

    private CompletableFuture<Void> finish(SinkRecord record, EntryOutcome outcome) {
        if (outcome.isSkipped()) {
            stats.metrics().skipped();
            return CompletableFuture.completedFuture(null);
        }
        if (outcome.isAbandoned()) {
            // not done: the offset stays uncommitted (the chain fails, so a live task restarts and redoes it)
            return CompletableFuture.failedFuture(outcome.failure());
        }
        CompletableFuture<Void> failureRecorded = CompletableFuture.completedFuture(null);
        if (outcome.isFailed()) {
            failureRecorded = CompletableFuture.runAsync(() -> recordFailure(outcome), bookkeeping)
                    .thenCompose(v -> reportToDlq(record, outcome.failure()));
        }
        // counted once the event is acknowledged, as the entry is then done; not on the producer's thread
        return failureRecorded.thenCompose(v -> publisher.publish(outcome.event()))
                .thenRunAsync(() -> count(outcome), bookkeeping);
    }

    private void count(EntryOutcome outcome) {
        if (outcome.isFailed()) {
            stats.failed(outcome.event(), sizeOf(outcome.entry()));
        } else {
            stats.replicated(outcome.event());
            if (outcome.result() != null && outcome.result().action() == ObjectReplicator.Action.REPLICA_FOUND) {
                stats.metrics().replicaFound();
            }
        }
    }

    /** The size of the entry's version, for the failed-bytes counters; 0 when the entry has no usable metadata. */
    private static long sizeOf(LogEntry entry) {
        try {
            ObjectMetadata md = entry.objectMetadata();
            return md == null ? 0 : md.contentLength();
        } catch (RuntimeException e) {
            // unreadable metadata is the failure itself, already reported with the FAILED event: only size is lost
            return 0;
        }
    }

    private void recordFailure(EntryOutcome outcome) {
        if (failedStore == null) {
            return;
        }
        LogEntry e = outcome.entry();
        FailedEntry failed = new FailedEntry(processor.site(), e.bucket(), e.objectKey(), e.versionId(),
                System.currentTimeMillis());
        try {
            bookkeepingRetrier.run("record failed entry " + failed.member() + " in Redis", Side.BOOKKEEPING,
                    () -> failedStore.add(failed), null);
        } catch (RuntimeException ex) {
            // the FAILED status event still records the failure; the Redis list (ops API) misses this one
            stats.metrics().redisFailed();
            LOG.error("could not record failed entry {} for site {} in Redis: {}", failed.member(),
                    processor.site(), ex.toString());
        }
    }

    private CompletableFuture<Void> reportToDlq(SinkRecord record, Throwable error) {
        if (dlq == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            try {
                dlq.report(record, error).get();
                done.complete(null);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                done.completeExceptionally(ie);
            } catch (Exception ex) {
                done.completeExceptionally(new ConnectException("could not send record " + record.topic() + "-"
                        + record.kafkaPartition() + "@" + record.kafkaOffset() + " to the dead letter queue", ex));
            }
        }, bookkeeping);
        return done;
    }

    private CompletableFuture<Void> badRecord(SinkRecord record, Throwable error) {
        stats.metrics().badRecord();
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        if (dlq != null) {
            LOG.error("record {} is not a log entry ({}); sent to the dead letter queue", where, error.getMessage());
            return reportToDlq(record, error);
        }
        LOG.error("record {} is not a log entry and no dead letter queue is configured; it is skipped: {} "
                + "(value: {})", where, error.getMessage(), abbreviate(String.valueOf(record.value())));
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Offsets safe to commit, given the framework's current offsets (one past the last record it consumed, records
     * the SMT chain dropped included). A partition with records in flight commits up to its first unfinished one;
     * a partition with nothing in flight commits the framework's offset, so records that never reached the task
     * (filtered out) are committed too and consumer lag can reach 0.
     */
    public Map<TopicPartition, OffsetAndMetadata> committableOffsets(
            Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        currentOffsets.forEach((tp, current) -> {
            PartitionProgress p = progress.get(tp);
            long firstUnfinished = p == null ? -1 : p.firstPending();
            if (firstUnfinished >= 0) {
                result.put(tp, new OffsetAndMetadata(firstUnfinished));
            } else if (current != null) {
                result.put(tp, current);
            }
        });
        return result;
    }

    /** The task was given these partitions: records journaled before now may be redeliveries. */
    public void openPartitions(Collection<TopicPartition> partitions) {
        suspects.assigned(partitions);
    }

    /**
     * Forgets partitions the task lost, after waiting up to {@code maxWaitMs} for their entries in flight: an
     * entry still copying when its next owner gets it would be copied twice (the next owner's replica check
     * cannot see a copy that is not finished). Entries still running after the wait finish but are not
     * committed here.
     *
     * @return whether the partitions had nothing in flight any more
     */
    public boolean closePartitions(Collection<TopicPartition> partitions, long maxWaitMs) {
        boolean drained;
        try {
            drained = awaitDrained(partitions, maxWaitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        for (TopicPartition tp : partitions) {
            progress.remove(tp);
        }
        suspects.revoked(partitions);
        return drained;
    }

    private boolean awaitDrained(Collection<TopicPartition> partitions, long maxWaitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        synchronized (capacity) {
            while (true) {
                int pending = 0;
                for (TopicPartition tp : partitions) {
                    PartitionProgress p = progress.get(tp);
                    pending += p == null ? 0 : p.pendingCount();
                }
                if (pending == 0) {
                    return true;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || fatal.get() != null) {
                    LOG.info("site {}: {} entries still in flight on partitions {} handed over; their next owner "
                            + "may copy them again", processor.site(), pending, partitions);
                    return false;
                }
                capacity.wait(left);
            }
        }
    }

    /**
     * Waits until at most {@code level} records are in flight, for at most {@code maxWaitMs}.
     *
     * @return whether the level was reached
     */
    public boolean awaitInFlightAtMost(int level, long maxWaitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        synchronized (capacity) {
            while (inFlight.get() > level) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || fatal.get() != null) {
                    return inFlight.get() <= level;
                }
                capacity.wait(left);
            }
            return true;
        }
    }

    /** Stops the workers (running copies are interrupted; their records stay uncommitted). */
    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
        bookkeeping.shutdownNow();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("replication workers of site {} did not stop within 30 s", processor.site());
            }
            if (!bookkeeping.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("bookkeeping threads of site {} did not stop within 5 s", processor.site());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("replication engine of site {} stopped: {}", processor.site(), stats.metrics());
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String abbreviate(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length > 200 ? s.substring(0, Math.min(s.length(), 200)) + "..." : s;
    }
}
