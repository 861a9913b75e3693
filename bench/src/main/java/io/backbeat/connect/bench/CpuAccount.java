package io.backbeat.connect.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time spent in a phase of a benchmark, in total and per component of the stack (every component runs in
 * this JVM, except a Ceph destination). Per component = the summed CPU time of its threads, told apart by name.
 *
 * <p>Why not a sampling profiler for this: on a saturated machine a sampler counts threads that wait for a core
 * as running, so the phase with more runnable threads looks costlier than it is. Thread CPU time does not.
 */
final class CpuAccount {

    /** Thread-name prefixes (lower case) of each component, first match wins. */
    private static final Map<String, String[]> COMPONENTS = new LinkedHashMap<>();

    static {
        COMPONENTS.put("replication sink (our workers: metadata read, GET, PUT)", new String[] {"replication-"});
        COMPONENTS.put("S3Mock destination", new String[] {"http-nio-"});
        COMPONENTS.put("source site emulator", new String[] {"source-site-"});
        COMPONENTS.put("MongoDB stand-in", new String[] {"mongo-server"});
        COMPONENTS.put("Connect workers and tasks (incl. producers, consumers)", new String[] {"task-thread-",
            "kafka-producer-", "kafka-coordinator", "distributedherder", "kafkabasedlog", "connect-",
            "sourcetaskoffsetcommitter", "backbeat-", "metadata-log", "change-stream"});
        COMPONENTS.put("Kafka broker", new String[] {"data-plane-", "kafka-", "quorum-", "group-coordinator",
            "broker", "controller", "raft", "executor-", "log", "transaction"});
        COMPONENTS.put("baseline copy loop (SDK GET, PUT)", new String[] {"baseline-copy-"});
        COMPONENTS.put("bench program (status monitor, main)", new String[] {"main", "sandbox-status-monitor"});
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds per component at one moment, and the whole process's. */
    record Snapshot(long processNanos, Map<String, Long> byComponent, long wallNanos) {
    }

    private CpuAccount() {
    }

    static Snapshot now() {
        Map<String, Long> by = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            var info = THREADS.getThreadInfo(id);
            if (cpu < 0 || info == null) {
                continue;
            }
            by.merge(component(info.getThreadName()), cpu, Long::sum);
        }
        return new Snapshot(processCpuNanos(), by, System.nanoTime());
    }

    /**
     * One line per component: CPU seconds between two snapshots, and per unit of work. GC and JIT threads, and
     * threads that ended in between, are in the process total only: they get the remainder line.
     */
    static String between(Snapshot from, Snapshot to, int units, String unit) {
        double wall = (to.wallNanos() - from.wallNanos()) / 1e9;
        double process = (to.processNanos() - from.processNanos()) / 1e9;
        StringBuilder out = new StringBuilder(String.format(
                "CPU %.1f s in %.1f s of wall time (%.2f cores busy), %.2f ms per %s", process, wall,
                process / wall, process * 1e3 / units, unit));
        Map<String, Long> delta = new HashMap<>();
        to.byComponent().forEach((c, n) -> delta.put(c, n - from.byComponent().getOrDefault(c, 0L)));
        long counted = delta.values().stream().mapToLong(Long::longValue).sum();
        delta.put("JVM (GC, JIT) and threads that ended in the phase",
                Math.max(0, Math.round(process * 1e9) - counted));
        for (Map.Entry<String, Long> e : delta.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).collect(Collectors.toList())) {
            double s = e.getValue() / 1e9;
            if (s >= 0.05) {
                out.append(String.format("%n      %6.1f s  %5.2f ms/%s  %4.1f%%  %s", s, s * 1e3 / units, unit,
                        100 * s / process, e.getKey()));
            }
        }
        return out.toString();
    }

    private static String component(String threadName) {
        String n = threadName.toLowerCase();
        for (Map.Entry<String, String[]> c : COMPONENTS.entrySet()) {
            for (String prefix : c.getValue()) {
                if (n.startsWith(prefix)) {
                    return c.getKey();
                }
            }
        }
        return "other threads";
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM does not report process CPU time");
    }
}
