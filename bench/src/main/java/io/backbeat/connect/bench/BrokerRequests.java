package io.backbeat.connect.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How many requests of each kind the in-process broker served in a phase, from its own meters
 * ({@code kafka.network:type=RequestMetrics,name=RequestsPerSec,request=…}, one per request kind and version). The
 * broker's CPU in a phase is mostly per-request work (handling, purgatories, request metrics), so the count per
 * kind says which client to batch.
 */
final class BrokerRequests {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private BrokerRequests() {
    }

    /** Requests served so far, by kind (all versions summed). */
    static Map<String, Long> now() {
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (ObjectName name : SERVER.queryNames(
                    new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                String kind = name.getKeyProperty("request");
                Object count = SERVER.getAttribute(name, "Count");
                if (kind != null && count instanceof Number n) {
                    counts.merge(kind, n.longValue(), Long::sum);
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the broker's request meters: " + e, e);
        }
        return counts;
    }

    /** The kinds served between two readings, most first, per unit of work: "Produce 2010 (1.01/object), …". */
    static String between(Map<String, Long> from, Map<String, Long> to, int units, String unit) {
        return to.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - from.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %d (%.2f/%s)", e.getKey(), e.getValue(), e.getValue() / (double) units,
                        unit))
                .collect(Collectors.joining(", ", "broker requests: ", ""));
    }
}
