package io.backbeat.connect.sink.status;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.connect.sink.SinkRecord;

import io.backbeat.connect.sink.BackbeatSinkConnector;
import io.backbeat.connect.sink.BackbeatSinkTask;

/** Thin shell over {@link StatusWriteBack}. */
public class ReplicationStatusSinkTask extends BackbeatSinkTask {

    private StatusWriteBack writeBack;
    private StatusSinkMetrics metrics;

    @Override
    public void start(Map<String, String> props) {
        ReplicationStatusSinkConfig config = new ReplicationStatusSinkConfig(props);
        metrics = new StatusSinkMetrics();
        metrics.register(props.getOrDefault(BackbeatSinkConnector.CONNECTOR_NAME, "replication-status"),
                props.getOrDefault(BackbeatSinkConnector.TASK_ID, "0"));
        metrics.registerPluginMetrics(context);
        try {
            writeBack = StatusWriteBack.start(config, errantRecordReporter(), metrics);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
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
