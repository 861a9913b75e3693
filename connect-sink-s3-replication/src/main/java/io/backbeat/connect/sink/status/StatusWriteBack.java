package io.backbeat.connect.sink.status;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sink.DaemonThreads;
import io.backbeat.connect.sink.retry.ErrorClassifier;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.Side;
import io.backbeat.connect.sink.s3.S3ClientFactory;

/**
 * Everything one status task runs: the metadata writer, the applier, and the handling of a batch of records.
 * Events of one object (one Kafka key) are applied one after the other in topic order; different objects in
 * parallel. {@link #put} returns once the whole batch is done, so Connect's own offset commits are safe.
 *
 * <p>What happens to an event that does not go through:
 * <ul>
 *   <li>a record that is not a status event, or an event that cannot apply to the metadata (site not a target,
 *       version is a replica, unreadable metadata, a request CloudServer refuses, access to that bucket or object
 *       denied): counted as a failure, logged with its reason and sent to the dead letter queue when one is
 *       configured; the task goes on;</li>
 *   <li>the source not accepting the credentials themselves (unknown key, bad signature, Mongo authentication):
 *       the task fails with a message naming the setting, since every event would fail the same way. An access
 *       denial is not that: it can be one bucket's policy, and must not stop the other buckets' statuses;</li>
 *   <li>a transient failure the retry policy gave up on: {@link RetriableException}, so Connect hands the same
 *       records again later; the task stays up and no status is lost. Later events of that object wait.</li>
 * </ul>
 */
public final class StatusWriteBack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriteBack.class);

    private final StatusApplier applier;
    private final MetadataWriter writer;
    private final ErrantRecordReporter dlq;
    private final StatusSinkMetrics metrics;
    private final String credentialsKey;
    private final ExecutorService workers;

    /**
     * @param dlq            the task's errant record reporter, or null
     * @param credentialsKey the setting named when the source refuses the credentials
     */
    public StatusWriteBack(MetadataWriter writer, Retrier retrier, ErrantRecordReporter dlq, StatusSinkMetrics metrics,
                           int concurrency, String credentialsKey) {
        this.writer = writer;
        this.applier = new StatusApplier(writer, retrier, metrics);
        this.dlq = dlq;
        this.metrics = metrics;
        this.credentialsKey = credentialsKey;
        this.workers = Executors.newFixedThreadPool(concurrency, DaemonThreads.named("status-writer"));
    }

    /** Builds the writer the config names and the write-back over it. */
    public static StatusWriteBack start(ReplicationStatusSinkConfig config, ErrantRecordReporter dlq,
                                        StatusSinkMetrics metrics) {
        MetadataWriter writer = switch (config.writer()) {
            case CLOUDSERVER -> new CloudServerMetadataWriter(S3ClientFactory.connect(config.source()));
            case MONGODB -> new MongoMetadataWriter(config.mongoUri(), config.mongoDatabase(),
                    config.conflictMaxRetries());
        };
        LOG.info("replication status write-back started: writer {} ({}), concurrency {}, dlq {}", writer.name(),
                config.writer() == ReplicationStatusSinkConfig.Writer.CLOUDSERVER ? config.source()
                        : "database " + config.mongoDatabase(), config.concurrency(), dlq == null ? "off" : "on");
        return new StatusWriteBack(writer, new Retrier(config.retryPolicy()), dlq, metrics, config.concurrency(),
                config.credentialsKey());
    }

    public StatusSinkMetrics metrics() {
        return metrics;
    }

    /** Applies a batch; see the class comment for what it throws. */
    public void put(Collection<SinkRecord> records) {
        Map<String, List<Pending>> byObject = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            StatusEvent event;
            try {
                event = StatusEvent.fromValue(record.value());
            } catch (RuntimeException e) {
                reject(record, "NotAStatusEvent", "record " + where(record) + " is not a replication status event: "
                        + e.getMessage(), e);
                continue;
            }
            byObject.computeIfAbsent(event.kafkaKey(), k -> new ArrayList<>()).add(new Pending(record, event));
        }
        List<CompletableFuture<Void>> running = new ArrayList<>(byObject.size());
        for (List<Pending> object : byObject.values()) {
            running.add(CompletableFuture.runAsync(() -> object.forEach(this::applyOne), workers));
        }
        RuntimeException stop = null;
        for (CompletableFuture<Void> f : running) {
            try {
                f.join();
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new ConnectException(e.getCause());
                // a task-fatal error wins over a retriable one
                if (stop == null || stop instanceof RetriableException && !(cause instanceof RetriableException)) {
                    stop = cause;
                }
            }
        }
        if (stop != null) {
            throw stop;
        }
    }

    private record Pending(SinkRecord record, StatusEvent event) {
    }

    private void applyOne(Pending p) {
        try {
            applier.apply(p.event());
        } catch (RuntimeException e) {
            ReplicationFailure f = ErrorClassifier.classify(e, Side.SOURCE_METADATA);
            String what = p.event().status() + " for site " + p.event().site() + " on "
                    + StatusApplier.describe(p.event()) + " (" + where(p.record()) + ")";
            if (f.isInterruption()) {
                throw new RetriableException("interrupted while writing " + what, f);
            }
            if (f.retryable()) {
                LOG.warn("could not write {} via {}, Connect will hand it again: {}", what, writer.name(), f.toString());
                throw new RetriableException("could not write " + what + " via " + writer.name() + ": " + f, f);
            }
            if (isCredentials(f)) {
                throw new ConnectException("the source refused the status writer's credentials (" + f.reason()
                        + "); check " + credentialsKey + ": " + f.getMessage(), f);
            }
            reject(p.record(), f.reason(), "cannot write " + what + ": " + f.getMessage(), f);
        }
    }

    private static boolean isCredentials(ReplicationFailure f) {
        return f.reason().endsWith("InvalidCredentials");
    }

    /** A record that can never apply: counted, logged with its reason, and to the DLQ when configured. */
    private void reject(SinkRecord record, String reason, String message, Throwable cause) {
        metrics.failed();
        DataException error = new DataException("[" + reason + "] " + message, cause);
        if (dlq == null) {
            LOG.error("{}; no dead letter queue is configured (errors.deadletterqueue.topic.name): the event is "
                    + "dropped", error.getMessage());
            return;
        }
        LOG.error("{}; sent to the dead letter queue", error.getMessage());
        // the worker waits for the report before it commits this record's offset
        dlq.report(record, error);
    }

    private static String where(SinkRecord r) {
        return r.originalTopic() + "-" + r.originalKafkaPartition() + "@" + r.originalKafkaOffset();
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("status writer threads did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        LOG.info("replication status write-back stopped: {}", metrics);
    }
}
