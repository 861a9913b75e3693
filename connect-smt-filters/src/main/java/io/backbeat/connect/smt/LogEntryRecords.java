package io.backbeat.connect.smt;

import java.util.Map;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Reads a Connect record as what the metadata log source connector wrote: a log entry, a heartbeat, or
 * something else (invalid). The one place that knows what a log-entry record looks like to a transform.
 */
final class LogEntryRecords {

    /** How much of a Kafka key goes into an error message. */
    private static final int MAX_KEY_CHARS = 200;

    private LogEntryRecords() {
    }

    /** What a record turned out to be. */
    sealed interface Read permits Entry, Heartbeat, Invalid {
    }

    record Entry(LogEntry entry) implements Read {
    }

    record Heartbeat() implements Read {
    }

    /** Not a log entry; {@code problem} says why, in words an operator can act on. */
    record Invalid(String problem) implements Read {
    }

    /**
     * @param heartbeatTopic the source connector's heartbeat topic: all its records are heartbeats
     */
    static Read read(ConnectRecord<?> record, String heartbeatTopic) {
        if (heartbeatTopic.equals(record.topic())
                || record instanceof SinkRecord sink && heartbeatTopic.equals(sink.originalTopic())) {
            return new Heartbeat();
        }
        Object value = record.value();
        if (value == null) {
            return new Invalid("the record has no value (null); a metadata log record carries a "
                    + LogEntry.SCHEMA_NAME + " struct");
        }
        if (value instanceof Struct struct) {
            // converters that drop schema names (unnamed struct) are accepted: the fields decide
            String schemaName = struct.schema().name();
            if (schemaName != null && !LogEntry.SCHEMA_NAME.equals(schemaName)) {
                return new Invalid("the record value has schema " + schemaName + ", not " + LogEntry.SCHEMA_NAME);
            }
        } else if (!(value instanceof Map)) {
            return new Invalid("the record value is a " + value.getClass().getName() + ", not a "
                    + LogEntry.SCHEMA_NAME + " struct (or a schemaless map of its fields)");
        }
        try {
            return new Entry(LogEntry.fromValue(value));
        } catch (RuntimeException e) {
            return new Invalid("the log entry is malformed: " + e.getMessage());
        }
    }

    /** Names a record in error messages: where it came from and its key. */
    static String describe(ConnectRecord<?> record) {
        StringBuilder sb = new StringBuilder("record ");
        if (record instanceof SinkRecord sink) {
            sb.append(sink.originalTopic()).append('-').append(sink.originalKafkaPartition())
                    .append('@').append(sink.originalKafkaOffset());
        } else {
            sb.append("on topic ").append(record.topic());
            if (record.kafkaPartition() != null) {
                sb.append('-').append(record.kafkaPartition());
            }
        }
        Object key = record.key();
        if (key instanceof String k) {
            sb.append(" key '").append(k.length() > MAX_KEY_CHARS ? k.substring(0, MAX_KEY_CHARS) + "…" : k)
                    .append('\'');
        }
        return sb.toString();
    }
}
