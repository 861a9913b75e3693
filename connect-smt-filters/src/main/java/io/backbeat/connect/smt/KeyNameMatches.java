package io.backbeat.connect.smt;

import java.util.regex.Pattern;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;

/** True for object entries whose object key matches a regular expression; false for bucket entries. */
public class KeyNameMatches<R extends ConnectRecord<R>> extends LogEntryPredicate<R> {

    private Pattern pattern;

    @Override
    void configure(PredicateConfig config) {
        pattern = config.pattern();
    }

    @Override
    boolean test(LogEntry entry) {
        if (entry.kind() == LogEntry.Kind.BUCKET) {
            return false;
        }
        if (entry.objectKey() == null) {
            throw new InvalidLogEntryException("the object entry has no object key");
        }
        return pattern.matcher(entry.objectKey()).find();
    }

    @Override
    public ConfigDef config() {
        return PredicateConfig.KEY_NAME;
    }
}
