package io.backbeat.connect.sink.status;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the task's metrics through Connect's plugin metrics (KIP-877, Kafka 4.1+). Every reference to that
 * API lives here and is reached only through {@link #tryRegister}: on older workers the resulting
 * {@link LinkageError} is caught and the task runs with JMX metrics only.
 */
final class StatusPluginMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(StatusPluginMetrics.class);

    private StatusPluginMetrics() {
    }

    static boolean tryRegister(Object context, StatusSinkMetrics metrics) {
        try {
            return register((SinkTaskContext) context, metrics);
        } catch (LinkageError | UnsupportedOperationException e) {
            LOG.info("Connect plugin metrics not available on this worker ({}); JMX metrics only", e.toString());
            return false;
        }
    }

    private static boolean register(SinkTaskContext context, StatusSinkMetrics metrics) {
        PluginMetrics pm = context.pluginMetrics();
        if (pm == null) {
            return false;
        }
        for (Map.Entry<String, LongSupplier> e : metrics.byName().entrySet()) {
            LongSupplier value = e.getValue();
            pm.addMetric(pm.metricName(e.getKey(), "Backbeat replication status write-back: " + e.getKey(),
                    new LinkedHashMap<>()), (Gauge<Long>) (config, now) -> value.getAsLong());
        }
        return true;
    }
}
