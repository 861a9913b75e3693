package io.backbeat.connect.sink.tagging;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.LogEntry;

/**
 * The work of one tagging task: reads each record as a log entry, tags its version with the
 * {@link ObjectTagger}, and hands failures (records that are not log entries, versions that could not be
 * tagged) to Connect's error handling, exactly like the framework's own errors:
 * <ul>
 *   <li>with an error reporter (a dead letter queue or {@code errors.log.enable} configured), the record is
 *       reported; under {@code errors.tolerance=all} it goes to the DLQ and the task goes on, under
 *       {@code none} the task fails;</li>
 *   <li>without one, {@code errors.tolerance=all} logs the failure and goes on, {@code none} fails the task
 *       (the record's offset is not committed: it is tried again after a restart).</li>
 * </ul>
 * Records are handled one after the other, in order; a record counts as done when {@link #put} returns.
 */
public final class RecordTagger {

    private static final Logger LOG = LoggerFactory.getLogger(RecordTagger.class);

    private final ObjectTagger tagger;
    private final ErrantRecordReporter reporter;
    private final boolean tolerateErrors;
    private final Stats stats = new Stats();

    /**
     * @param reporter       the task's errant record reporter, or null when the connector has none
     * @param tolerateErrors Connect's {@code errors.tolerance} is {@code all}
     */
    public RecordTagger(ObjectTagger tagger, ErrantRecordReporter reporter, boolean tolerateErrors) {
        this.tagger = tagger;
        this.reporter = reporter;
        this.tolerateErrors = tolerateErrors;
    }

    /** Counters of what the task did, for logs and tests. */
    public static final class Stats {
        public final AtomicLong tagged = new AtomicLong();
        public final AtomicLong alreadyTagged = new AtomicLong();
        public final AtomicLong skipped = new AtomicLong();
        public final AtomicLong failed = new AtomicLong();
        public final AtomicLong badRecords = new AtomicLong();

        @Override
        public String toString() {
            return "tagged=" + tagged + " alreadyTagged=" + alreadyTagged + " skipped=" + skipped + " failed="
                    + failed + " badRecords=" + badRecords;
        }
    }

    public Stats stats() {
        return stats;
    }

    public void put(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            put(record);
        }
    }

    private void put(SinkRecord record) {
        LogEntry entry;
        try {
            entry = LogEntry.fromValue(record.value());
        } catch (RuntimeException e) {
            stats.badRecords.incrementAndGet();
            fail(record, "is not a metadata log entry: " + e.getMessage(), e);
            return;
        }
        TaggingOutcome outcome = tagger.tag(entry);
        switch (outcome.result()) {
            case TAGGED -> stats.tagged.incrementAndGet();
            case ALREADY_TAGGED -> stats.alreadyTagged.incrementAndGet();
            case SKIPPED -> stats.skipped.incrementAndGet();
            case FAILED -> {
                stats.failed.incrementAndGet();
                fail(record, "(" + entry + ") could not be tagged after " + outcome.retries() + " retries: "
                        + outcome.failure(), outcome.failure());
            }
        }
    }

    private void fail(SinkRecord record, String problem, Throwable error) {
        String where = "record " + record.originalTopic() + "-" + record.originalKafkaPartition() + "@"
                + record.originalKafkaOffset();
        if (reporter != null) {
            LOG.error("{} {}; handed to the connector's error reporter (dead letter queue / error log)", where,
                    problem);
            // under errors.tolerance=none this throws and the task fails, as for any framework error;
            // Connect waits for the report to be written before it commits the record's offset
            reporter.report(record, error);
            return;
        }
        if (tolerateErrors) {
            LOG.error("{} {}; left as it is (errors.tolerance=all and no dead letter queue configured)", where,
                    problem);
            return;
        }
        throw new ConnectException(where + " " + problem + " (set errors.tolerance=all with "
                + "errors.deadletterqueue.topic.name to keep going and collect such records)", error);
    }
}
