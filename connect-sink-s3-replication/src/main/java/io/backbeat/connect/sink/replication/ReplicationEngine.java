package io.backbeat.connect.sink.replication;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
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
import io.backbeat.connect.sink.failed.FailedEntry;
import io.backbeat.connect.sink.failed.FailedEntryStore;
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

    private final Object chainLock = new Object();
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object capacity = new Object();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final Stats stats = new Stats();
    private volatile boolean closed;

    /**
     * @param failedStore may be null (no Redis configured)
     * @param dlq         may be null (no DLQ configured, or a worker older than Kafka 2.6)
     * @param concurrency entries replicated at the same time
     */
    public ReplicationEngine(EntryHandler processor, StatusPublisher publisher, FailedEntryStore failedStore,
                             ErrantRecordReporter dlq, Retrier bookkeepingRetrier, int concurrency) {
        this.processor = processor;
        this.publisher = publisher;
        this.failedStore = failedStore;
        this.dlq = dlq;
        this.bookkeepingRetrier = bookkeepingRetrier;
        this.workers = Executors.newFixedThreadPool(concurrency, named("replication-" + processor.site()));
    }

    /** Counters of what the engine did, for logs, tests and metrics. */
    public static final class Stats {
        public final AtomicLong completed = new AtomicLong();
        public final AtomicLong failed = new AtomicLong();
        public final AtomicLong skipped = new AtomicLong();
        public final AtomicLong badRecords = new AtomicLong();
        public final AtomicLong bytes = new AtomicLong();
        public final AtomicLong redisFailures = new AtomicLong();

        @Override
        public String toString() {
            return "completed=" + completed + " failed=" + failed + " skipped=" + skipped + " badRecords="
                    + badRecords + " bytes=" + bytes + " redisFailures=" + redisFailures;
        }
    }

    public Stats stats() {
        return stats;
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
            chain(orderKey, () -> CompletableFuture.runAsync(() -> { }, workers)
                            .thenCompose(v -> badRecord(record, why)),
                    partition, offset);
            return;
        }
        LogEntry e = entry;
        chain(orderKey, () -> CompletableFuture.supplyAsync(() -> processor.process(e), workers)
                .thenCompose(outcome -> finish(record, outcome)), partition, offset);
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
                LOG.error("entry at {}:{} could not be completed: {}", key, offset, unwrap(error).toString());
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
            stats.skipped.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> bookkeeping = CompletableFuture.completedFuture(null);
        if (outcome.isFailed()) {
            stats.failed.incrementAndGet();
            bookkeeping = CompletableFuture.runAsync(() -> recordFailure(outcome), workers)
                    .thenCompose(v -> reportToDlq(record, outcome.failure()));
        } else {
            stats.completed.incrementAndGet();
            stats.bytes.addAndGet(outcome.result() == null ? 0 : outcome.result().bytes());
        }
        return bookkeeping.thenCompose(v -> publisher.publish(outcome.event()));
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
            stats.redisFailures.incrementAndGet();
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
        }, workers);
        return done;
    }

    private CompletableFuture<Void> badRecord(SinkRecord record, Throwable error) {
        stats.badRecords.incrementAndGet();
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        if (dlq != null) {
            LOG.error("record {} is not a log entry ({}); sent to the dead letter queue", where, error.getMessage());
            return reportToDlq(record, error);
        }
        LOG.error("record {} is not a log entry and no dead letter queue is configured; it is skipped: {} "
                + "(value: {})", where, error.getMessage(), abbreviate(String.valueOf(record.value())));
        return CompletableFuture.completedFuture(null);
    }

    /** Offsets safe to commit for the given partitions: all records below them are done. */
    public Map<TopicPartition, OffsetAndMetadata> committableOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionProgress p = progress.get(tp);
            if (p == null) {
                continue;
            }
            long offset = p.committable();
            if (offset >= 0) {
                result.put(tp, new OffsetAndMetadata(offset));
            }
        }
        return result;
    }

    /** Forgets partitions the task lost; their running entries finish but are not committed here. */
    public void closePartitions(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            progress.remove(tp);
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
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("replication workers of site {} did not stop within 30 s", processor.site());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("replication engine of site {} stopped: {}", processor.site(), stats);
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

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
