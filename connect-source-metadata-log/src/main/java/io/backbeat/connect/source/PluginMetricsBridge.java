package io.backbeat.connect.source;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the task's metrics through Connect's plugin metrics (KIP-877, Kafka 4.1+). Every reference to
 * that API lives in this class, which is only loaded through {@link #tryRegister}: on older workers the
 * method or the types are missing and the resulting {@link LinkageError} is caught, so the plugin still
 * loads and runs there with JMX metrics only.
 */
final class PluginMetricsBridge {

    private static final Logger LOG = LoggerFactory.getLogger(PluginMetricsBridge.class);

    private PluginMetricsBridge() {
    }

    /** Returns true when the metrics were registered with the worker. */
    static boolean tryRegister(Object context, SourceMetrics metrics) {
        try {
            return register((SourceTaskContext) context, metrics);
        } catch (LinkageError | UnsupportedOperationException e) {
            LOG.info("Connect plugin metrics not available on this worker ({}); JMX metrics only", e.toString());
            return false;
        }
    }

    private static boolean register(SourceTaskContext context, SourceMetrics metrics) {
        PluginMetrics pm = context.pluginMetrics();
        if (pm == null) {
            return false;
        }
        for (Map.Entry<String, LongSupplier> e : metrics.byName().entrySet()) {
            LongSupplier value = e.getValue();
            try {
                pm.addMetric(pm.metricName(e.getKey(), "Backbeat metadata-log source: " + e.getKey(),
                        new LinkedHashMap<>()), (Gauge<Long>) (config, now) -> value.getAsLong());
            } catch (IllegalArgumentException alreadyThere) {
                // a restarted task may start before the worker dropped its previous instance's metrics;
                // metrics must never stop the source: JMX still has this one
                LOG.warn("plugin metric {} not registered: {}", e.getKey(), alreadyThere.getMessage());
            }
        }
        return true;
    }
}
