package io.backbeat.connect.source;

import com.mongodb.client.MongoClient;
import io.backbeat.connect.model.PluginVersion;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Thin shell over {@link MetadataLogReader}: one task reads the whole change stream. */
public class MetadataLogSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataLogSourceTask.class);
    static final String TASK_ID = "backbeat.task.id";

    private volatile MetadataLogReader reader;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        MetadataLogSourceConfig config = new MetadataLogSourceConfig(props);
        SourceOffsets offsets = config.offsets();
        Map<String, Object> stored = context.offsetStorageReader().offset(offsets.partition());
        SourceMetrics metrics = new SourceMetrics(System::currentTimeMillis);
        String connector = config.connectorName().isEmpty() ? "unnamed" : config.connectorName();
        metrics.register(connector, props.getOrDefault(TASK_ID, "0"));
        try {
            PluginMetricsBridge.tryRegister(context, metrics);
        } catch (LinkageError e) {
            LOG.info("Connect plugin metrics not available on this worker ({}); JMX metrics only", e.toString());
        }
        MongoClient client;
        try {
            client = MongoConnections.open(config.connectionUri().value(), config.timeoutMs());
        } catch (IllegalArgumentException e) {
            metrics.close();
            throw new ConnectException(MetadataLogSourceConfig.MONGODB_URI + ": " + e.getMessage());
        }
        try {
            reader = new MetadataLogReader(config, stored, client, metrics, System::currentTimeMillis);
        } catch (RuntimeException e) {
            client.close();
            metrics.close();
            throw e;
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        return reader.poll();
    }

    @Override
    public void stop() {
        MetadataLogReader r = reader;
        if (r != null) {
            r.close();
        }
    }
}
