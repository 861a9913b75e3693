package io.backbeat.connect.sink.metrics;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publication of a sink task's metrics, shared by the replication and the status sinks: a JMX MBean under
 * {@value #JMX_DOMAIN}, and the same numbers as Connect plugin metrics (KIP-877, Kafka 4.1+) where the worker has
 * them. Every reference to the plugin-metrics API lives in {@link #registerPluginMetrics}, reached only through
 * {@link #tryPluginMetrics}: on older workers the {@link LinkageError} is caught and the task runs with JMX only.
 * Metrics never stop a task: failures to publish them are logged.
 */
public final class TaskMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(TaskMetrics.class);
    public static final String JMX_DOMAIN = "io.backbeat.connect";

    private TaskMetrics() {
    }

    /** {@code io.backbeat.connect:type=<type>,<k>=<v>...} with quoted values, in the given order. */
    public static ObjectName objectName(String type, Map<String, String> keys) throws JMException {
        StringBuilder sb = new StringBuilder(JMX_DOMAIN).append(":type=").append(type);
        keys.forEach((k, v) -> sb.append(',').append(k).append('=').append(ObjectName.quote(v)));
        return new ObjectName(sb.toString());
    }

    /**
     * Registers {@code mbean} under {@code name}, replacing a leftover of a task instance that did not stop cleanly.
     *
     * @return the registered name, or null when registration failed (logged)
     */
    public static ObjectName registerJmx(Object mbean, ObjectName name) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(mbean, name);
            return name;
        } catch (JMException e) {
            LOG.warn("could not register JMX metrics {}: {}", name, e.toString());
            return null;
        }
    }

    /** Unregisters a name returned by {@link #registerJmx}; null is ignored. */
    public static void unregisterJmx(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            LOG.debug("JMX metrics {} already unregistered: {}", name, e.toString());
        }
    }

    /**
     * Adds one gauge per metric to the task's plugin metrics, when the worker offers them.
     *
     * @param context     the task's {@code SinkTaskContext} (typed Object so that callers load no new API)
     * @param description prefix of each metric's description
     * @param tags        extra tags of every metric (e.g. the site)
     * @return whether the metrics were added
     */
    public static boolean tryPluginMetrics(Object context, String description, Map<String, LongSupplier> metrics,
                                           Map<String, String> tags) {
        if (context == null) {
            return false; // a task driven outside a worker
        }
        try {
            return registerPluginMetrics((SinkTaskContext) context, description, metrics, tags);
        } catch (LinkageError | UnsupportedOperationException e) {
            LOG.info("Connect plugin metrics not available on this worker ({}); JMX metrics only", e.toString());
            return false;
        }
    }

    private static boolean registerPluginMetrics(SinkTaskContext context, String description,
                                                 Map<String, LongSupplier> metrics, Map<String, String> tags) {
        PluginMetrics pm = context.pluginMetrics();
        if (pm == null) {
            return false;
        }
        boolean all = true;
        for (Map.Entry<String, LongSupplier> e : metrics.entrySet()) {
            LongSupplier value = e.getValue();
            try {
                pm.addMetric(pm.metricName(e.getKey(), description + ": " + e.getKey(), new LinkedHashMap<>(tags)),
                        (Gauge<Long>) (config, now) -> value.getAsLong());
            } catch (IllegalArgumentException alreadyThere) {
                // A restarted task can start before the worker has dropped its previous instance's metrics.
                // Metrics must never stop replication: keep JMX for this one and go on.
                LOG.warn("plugin metric {} not registered: {}", e.getKey(), alreadyThere.getMessage());
                all = false;
            }
        }
        return all;
    }

    /** {@code name=value} pairs, for logs. */
    public static String describe(Map<String, LongSupplier> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v.getAsLong()));
        return sb.toString();
    }
}
