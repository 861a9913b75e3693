package io.backbeat.connect.smt;

import java.util.Map;

import io.backbeat.connect.model.PluginVersion;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.smt.FilterOptions.InvalidRecordAnswer;

import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part every predicate of this module shares: read the record as a log entry and answer the configured
 * value for invalid records. Heartbeats (records of the
 * heartbeat topic) match no predicate of this module (Kafka's TopicNameMatches selects them).
 */
abstract class LogEntryPredicate<R extends ConnectRecord<R>> implements Predicate<R>, Versioned {

    private final Logger log = LoggerFactory.getLogger(getClass());

    private InvalidRecordAnswer onInvalid = InvalidRecordAnswer.FAIL;
    private String heartbeatTopic = FilterOptions.DEFAULT_HEARTBEAT_TOPIC;

    /** Takes the predicate's own settings from its parsed configuration. */
    abstract void configure(PredicateConfig config);

    /**
     * The predicate on a log entry (object or bucket entry).
     *
     * @throws InvalidLogEntryException when the entry cannot be decided on
     */
    abstract boolean test(LogEntry entry);

    @Override
    public final void configure(Map<String, ?> props) {
        PredicateConfig config = new PredicateConfig(config(), props);
        onInvalid = FilterOptions.choice(config, FilterOptions.ON_INVALID, InvalidRecordAnswer.class);
        heartbeatTopic = config.getString(FilterOptions.HEARTBEAT_TOPIC);
        configure(config);
    }

    @Override
    public final boolean test(R record) {
        LogEntryRecords.Read read = LogEntryRecords.read(record, heartbeatTopic);
        if (read instanceof LogEntryRecords.Heartbeat) {
            return false;
        }
        if (read instanceof LogEntryRecords.Invalid invalid) {
            return invalid(record, invalid.problem());
        }
        try {
            return test(((LogEntryRecords.Entry) read).entry());
        } catch (InvalidLogEntryException e) {
            return invalid(record, e.getMessage());
        }
    }

    private boolean invalid(R record, String problem) {
        String message = getClass().getSimpleName() + ": " + LogEntryRecords.describe(record) + " is not a valid "
                + "metadata log entry: " + problem;
        if (onInvalid == InvalidRecordAnswer.FAIL) {
            throw new DataException(message);
        }
        boolean answer = onInvalid == InvalidRecordAnswer.TRUE;
        log.warn("{} (answered {}: {}={})", message, answer, FilterOptions.ON_INVALID, answer);
        return answer;
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void close() {
        // nothing held
    }
}
