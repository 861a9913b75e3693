package io.backbeat.connect.smt;

import java.util.Map;

import io.backbeat.connect.model.PluginVersion;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.smt.FilterOptions.InvalidRecordAction;
import io.backbeat.connect.smt.FilterOptions.PassOrDrop;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part every filter transform of this module shares: read the record as a log entry, apply the
 * configured handling of heartbeats, bucket entries and invalid records, and ask the subclass about
 * object entries. A filter never changes a record: it returns it as it came, or null to drop it.
 */
abstract class LogEntryFilter<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    private final Logger log = LoggerFactory.getLogger(getClass());

    private InvalidRecordAction onInvalid = InvalidRecordAction.FAIL;
    private PassOrDrop bucketEntries = PassOrDrop.DROP;
    private PassOrDrop heartbeats = PassOrDrop.DROP;
    private String heartbeatTopic = FilterOptions.DEFAULT_HEARTBEAT_TOPIC;

    /** Parses and validates the configuration (throwing ConfigException) and returns it. */
    abstract AbstractConfig parse(Map<String, ?> props);

    /**
     * Whether an object entry is kept.
     *
     * @throws InvalidLogEntryException when the entry cannot be decided on
     */
    abstract boolean keep(LogEntry entry);

    @Override
    public final void configure(Map<String, ?> props) {
        AbstractConfig config = parse(props);
        onInvalid = FilterOptions.choice(config, FilterOptions.ON_INVALID, InvalidRecordAction.class);
        bucketEntries = FilterOptions.choice(config, FilterOptions.BUCKET_ENTRIES, PassOrDrop.class);
        heartbeats = FilterOptions.choice(config, FilterOptions.HEARTBEATS, PassOrDrop.class);
        heartbeatTopic = config.getString(FilterOptions.HEARTBEAT_TOPIC);
    }

    @Override
    public final R apply(R record) {
        LogEntryRecords.Read read = LogEntryRecords.read(record, heartbeatTopic);
        if (read instanceof LogEntryRecords.Heartbeat) {
            return heartbeats == PassOrDrop.KEEP ? record : null;
        }
        if (read instanceof LogEntryRecords.Invalid invalid) {
            return invalid(record, invalid.problem());
        }
        LogEntry entry = ((LogEntryRecords.Entry) read).entry();
        if (entry.kind() == LogEntry.Kind.BUCKET) {
            return bucketEntries == PassOrDrop.KEEP ? record : null;
        }
        try {
            return keep(entry) ? record : null;
        } catch (InvalidLogEntryException e) {
            return invalid(record, e.getMessage());
        }
    }

    private R invalid(R record, String problem) {
        String message = getClass().getSimpleName() + ": " + LogEntryRecords.describe(record) + " is not a valid "
                + "metadata log entry: " + problem;
        if (onInvalid == InvalidRecordAction.FAIL) {
            throw new DataException(message);
        }
        log.warn("{} (dropped: {}=drop)", message, FilterOptions.ON_INVALID);
        return null;
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
