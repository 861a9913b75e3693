package io.backbeat.connect.sink;

import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTask;

import io.backbeat.connect.model.PluginVersion;

/** What the sink tasks of the bundle share: the plugin version and the worker's error reporter, when it has one. */
public abstract class BackbeatSinkTask extends SinkTask {

    @Override
    public String version() {
        return PluginVersion.get();
    }

    /** The connector's error reporter (dead letter queue, error log), or null on a worker older than Kafka 2.6. */
    protected ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null;
        }
    }
}
