package io.backbeat.connect.smt;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import io.backbeat.connect.model.LogEntry;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Test-only sink: remembers, per connector name, which records reached it after its transforms. The
 * workers run in the test's JVM, so a static map is shared with the test.
 */
public class RecordingSinkConnector extends SinkConnector {

    /** connector name → "topic@offset" → what arrived (the entry's Kafka key, or "heartbeat"). */
    static final Map<String, Map<String, String>> RECEIVED = new ConcurrentHashMap<>();

    private Map<String, String> props;

    static Map<String, String> received(String connector) {
        return RECEIVED.computeIfAbsent(connector, c -> new ConcurrentSkipListMap<>());
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return RecordingTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
        // nothing held
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "test";
    }

    /** Records every record it is given. */
    public static class RecordingTask extends SinkTask {
        private Map<String, String> received;

        @Override
        public void start(Map<String, String> props) {
            received = received(props.get("name"));
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            for (SinkRecord r : records) {
                String what = r.value() == null ? "heartbeat" : LogEntry.fromValue(r.value()).kafkaKey();
                received.put(r.originalTopic() + "@" + r.originalKafkaOffset(), what);
            }
        }

        @Override
        public void stop() {
            // nothing held
        }

        @Override
        public String version() {
            return "test";
        }
    }
}
