package io.backbeat.connect.smt;

import java.util.Map;
import java.util.regex.Pattern;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;

/**
 * Keeps the object entries whose key matches a regular expression (default {@code (?i)^helloworld$}, the
 * helloWorld extension) and drops the others. Every entry of a matching key is kept: versions, masters,
 * delete markers and deletes alike; the sink decides what to do with each.
 */
public class KeyNameFilter<R extends ConnectRecord<R>> extends LogEntryFilter<R> {

    private Pattern pattern = Pattern.compile(KeyNameFilterConfig.DEFAULT_KEY_PATTERN);

    @Override
    AbstractConfig parse(Map<String, ?> props) {
        KeyNameFilterConfig config = new KeyNameFilterConfig(props);
        pattern = config.keyPattern();
        return config;
    }

    @Override
    boolean keep(LogEntry entry) {
        if (entry.objectKey() == null) {
            throw new InvalidLogEntryException("the object entry has no object key");
        }
        return pattern.matcher(entry.objectKey()).find();
    }

    @Override
    public ConfigDef config() {
        return KeyNameFilterConfig.CONFIG_DEF;
    }
}
