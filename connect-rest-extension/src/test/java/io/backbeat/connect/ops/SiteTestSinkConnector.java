package io.backbeat.connect.ops;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A sink that stands for one site's replication connector in the extension's tests: it has the {@code site}
 * config, consumes the metadata log and finishes every record at once (so its committed offsets tell what
 * it has consumed). The real replication sink is exercised end to end in the sandbox tests.
 */
public class SiteTestSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return NoOpTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef().define("site", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "the site");
    }

    @Override
    public String version() {
        return "test";
    }

    public static class NoOpTask extends SinkTask {
        @Override
        public String version() {
            return "test";
        }

        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public void put(Collection<SinkRecord> records) {
        }

        @Override
        public void stop() {
        }
    }
}
