package io.backbeat.connect.sink.status;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import io.backbeat.connect.model.PluginVersion;

/** Thin shell over {@link StatusWriteBack}. */
public class ReplicationStatusSinkTask extends SinkTask {

    private StatusWriteBack writeBack;
    private StatusSinkMetrics metrics;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        ReplicationStatusSinkConfig config = new ReplicationStatusSinkConfig(props);
        metrics = new StatusSinkMetrics();
        metrics.register(props.getOrDefault(ReplicationStatusSinkConnector.CONNECTOR_NAME, "replication-status"),
                props.getOrDefault(ReplicationStatusSinkConnector.TASK_ID, "0"));
        metrics.registerPluginMetrics(context);
        try {
            writeBack = StatusWriteBack.start(config, errantRecordReporter(), metrics);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            // worker older than Kafka 2.6: no DLQ for sink tasks
            return null;
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        writeBack.put(records);
    }

    @Override
    public void stop() {
        if (writeBack != null) {
            writeBack.close();
            writeBack = null;
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
