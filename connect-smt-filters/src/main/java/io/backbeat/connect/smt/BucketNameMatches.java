package io.backbeat.connect.smt;

import java.util.regex.Pattern;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;

/** True for log entries (object or bucket entries) whose bucket name matches a regular expression. */
public class BucketNameMatches<R extends ConnectRecord<R>> extends LogEntryPredicate<R> {

    private Pattern pattern;

    @Override
    void configure(PredicateConfig config) {
        pattern = config.pattern();
    }

    @Override
    boolean test(LogEntry entry) {
        if (entry.bucket() == null) {
            throw new InvalidLogEntryException("the entry has no bucket name");
        }
        return pattern.matcher(entry.bucket()).find();
    }

    @Override
    public ConfigDef config() {
        return PredicateConfig.BUCKET_NAME;
    }
}
