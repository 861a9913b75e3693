package io.backbeat.connect.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time spent in a phase of a benchmark, in total and per component of the stack (every component runs in
 * this JVM, except a Ceph destination and a {@linkplain #watch watched} worker JVM). Per component = the summed CPU
 * time of its threads, told apart by name.
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

    /** Native thread names (/proc comm, 15 characters) of the JVM's own threads, which Java cannot see. */
    private static final Map<String, String[]> JVM_THREADS = new LinkedHashMap<>();

    static {
        JVM_THREADS.put("JVM: garbage collector (and the VM thread)", new String[] {"GC Thread", "G1 ", "VM Thread"});
        JVM_THREADS.put("JVM: JIT compilers", new String[] {"C1 CompilerThre", "C2 CompilerThre"});
    }

    private static final Path TASKS = Path.of("/proc/self/task");
    /** Other JVMs whose CPU counts (a worker moved out of this one), by pid. */
    private static final java.util.Set<Long> WATCHED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final String WORKER = "worker JVM: ";
    /** Linux reports thread CPU in clock ticks of 10 ms (USER_HZ = 100 on every Linux the JDK supports). */
    private static final long NANOS_PER_TICK = 10_000_000L;

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
        addJvmThreads(by);
        long process = processCpuNanos();
        for (long pid : WATCHED) {
            process += addWorkerThreads(pid, by);
        }
        return new Snapshot(process, by, System.nanoTime());
    }

    /** Counts the CPU of another JVM too, from now on (Linux /proc). */
    static void watch(long pid) {
        WATCHED.add(pid);
    }

    /**
     * One line per component: CPU seconds between two snapshots, and per unit of work. Threads that ended in
     * between (and, off Linux, the GC and JIT threads) are in the process total only: they get the remainder line.
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
        delta.put("remainder: threads that ended in the phase, other JVM threads",
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

    /** The GC and JIT threads' CPU from /proc (Linux); nothing where /proc is not there. */
    private static void addJvmThreads(Map<String, Long> by) {
        if (!Files.isDirectory(TASKS)) {
            return;
        }
        try {
            threads(TASKS, (comm, nanos) -> {
                String jvm = jvmComponent(comm);
                if (jvm != null) {
                    by.merge(jvm, nanos, Long::sum);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + TASKS, e);
        }
    }

    /**
     * A watched worker JVM's threads by their native names (15 characters): its compilers, its collector, the
     * sink's copy threads, and the rest (Connect, the tasks, their clients). Returns the process's CPU nanoseconds,
     * 0 once it is gone.
     */
    private static long addWorkerThreads(long pid, Map<String, Long> by) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long total = ticks(Files.readString(proc.resolve("stat"))) * NANOS_PER_TICK;
            threads(proc.resolve("task"), (comm, nanos) -> by.merge(WORKER + workerComponent(comm), nanos, Long::sum));
            return total;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String workerComponent(String comm) {
        String jvm = jvmComponent(comm);
        if (jvm != null) {
            return jvm.substring("JVM: ".length());
        }
        return comm.startsWith("replication-") ? "replication sink (our workers: metadata read, GET, PUT)"
                : "Connect, the tasks and their Kafka clients";
    }

    /** The JVM's own component a native thread name belongs to ({@link #JVM_THREADS}), or null. */
    private static String jvmComponent(String comm) {
        for (Map.Entry<String, String[]> c : JVM_THREADS.entrySet()) {
            for (String prefix : c.getValue()) {
                if (comm.startsWith(prefix)) {
                    return c.getKey();
                }
            }
        }
        return null;
    }

    /** Each thread of a process's /proc {@code task} directory: its native name and CPU nanoseconds. */
    private static void threads(Path tasks, java.util.function.BiConsumer<String, Long> each) throws IOException {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                String comm;
                String stat;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended while we looked: the process total still has it
                }
                each.accept(comm, ticks(stat) * NANOS_PER_TICK);
            }
        }
    }

    /** utime + stime of a /proc stat line (fields 14 and 15; the name in parentheses may hold spaces). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
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
