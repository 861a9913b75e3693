package io.backbeat.connect.sink;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.sink.metrics.ReplicationSinkMetrics;
import io.backbeat.connect.sink.replication.ReplicationEngine;

/** Thin shell over {@link SiteReplication}: hands records to the engine, offers done offsets, pauses when full. */
public class S3ReplicationSinkTask extends BackbeatSinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(S3ReplicationSinkTask.class);

    private SiteReplication replication;
    private ReplicationSinkMetrics metrics;
    private S3ReplicationSinkConfig config;
    private final Set<TopicPartition> paused = new HashSet<>();

    @Override
    public void start(Map<String, String> props) {
        config = new S3ReplicationSinkConfig(props);
        String taskId = props.getOrDefault(BackbeatSinkConnector.TASK_ID,
                Integer.toHexString(System.identityHashCode(this)));
        String clientId = "backbeat-status-" + config.site() + "-" + taskId;
        metrics = new ReplicationSinkMetrics(config.site());
        metrics.register(props.getOrDefault(BackbeatSinkConnector.CONNECTOR_NAME, "crr-" + config.site()),
                props.getOrDefault(BackbeatSinkConnector.TASK_ID, "0"));
        metrics.registerPluginMetrics(context);
        try {
            replication = SiteReplication.start(config, errantRecordReporter(), clientId, metrics);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        ReplicationEngine engine = replication.engine();
        engine.checkHealthy();
        engine.submit(records);
        int max = config.maxInFlight();
        try {
            if (engine.inFlight() >= max && paused.isEmpty()) {
                if (!engine.awaitInFlightAtMost(max / 2, config.maxBlockMs())) {
                    paused.addAll(context.assignment());
                    context.pause(paused.toArray(new TopicPartition[0]));
                    LOG.info("site {}: {} records in flight, partitions paused", config.site(), engine.inFlight());
                }
            } else if (!paused.isEmpty() && engine.awaitInFlightAtMost(max / 2, config.maxBlockMs())) {
                resumeAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while waiting for replication capacity", e);
        }
        engine.checkHealthy();
    }

    private void resumeAll() {
        Set<TopicPartition> assigned = context.assignment();
        TopicPartition[] toResume = paused.stream().filter(assigned::contains).toArray(TopicPartition[]::new);
        if (toResume.length > 0) {
            context.resume(toResume);
        }
        paused.clear();
        LOG.info("site {}: {} records in flight, partitions resumed", config.site(), replication.engine().inFlight());
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        ReplicationEngine engine = replication.engine();
        if (!paused.isEmpty() && engine.inFlight() <= config.maxInFlight() / 2) {
            resumeAll();
        }
        return engine.committableOffsets(currentOffsets);
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        replication.engine().openPartitions(partitions);
        // pausing is per task: partitions that arrive while paused wait with the others
        if (!paused.isEmpty()) {
            context.pause(partitions.toArray(new TopicPartition[0]));
            paused.addAll(partitions);
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (replication != null) {
            replication.engine().closePartitions(partitions, config.handOverWaitMs());
        }
        paused.removeAll(partitions);
    }

    @Override
    public void stop() {
        if (replication != null) {
            replication.close();
            replication = null;
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
