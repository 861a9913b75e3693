package io.backbeat.connect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.backbeat.connect.sandbox.ReplicationMonitor;
import io.backbeat.connect.sandbox.ReplicationMonitor.Target;
import io.backbeat.connect.testbed.kafka.WorkerProcess;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * Memory: one Connect worker in its own JVM with {@code -Xmx256m} (GC log on) replicates one 2 GiB object
 * (multipart on the source). Passes when the object is COMPLETED and the worker is alive; prints the peak heap
 * (the largest heap occupancy before a collection in the GC log). {@code --size-mib 2048 --xmx 256m}.
 */
public final class MemoryBench {

    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private MemoryBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchStack.args(argv, Map.of("size-mib", "2048", "part-mib", "64", "xmx", "256m",
                "destination", "s3mock"));
        Consumer<String> say = BenchStack.console();
        say.accept(BenchStack.machine());
        long size = Long.parseLong(a.get("size-mib")) * ThroughputBench.MIB;
        int code = 0;
        Path dir = Files.createTempDirectory("bench-memory-worker");
        Path gcLog = dir.resolve("gc.log");
        try (BenchStack bench = BenchStack.start(a.get("destination"), 1, say)) {
            // every task runs in the -Xmx worker
            WorkerProcess worker = bench.moveWorkersToOwnJvm(List.of("-Xmx" + a.get("xmx"), "-Xlog:gc:file=" + gcLog),
                    say);
            say.accept("GC log " + gcLog);
            bench.deploy(Map.of("tasks.max", "1"), say);
            try (ReplicationMonitor status = bench.monitor()) {
                long t0 = System.nanoTime();
                try (S3Client src = bench.sandbox().newSourceClient()) {
                    ThroughputBench.multipart(src, BenchStack.BUCKET, "memory/one-big-object", size,
                            Long.parseLong(a.get("part-mib")) * ThroughputBench.MIB, 7);
                }
                say.accept(String.format("wrote one %s object (multipart) in %.1f s", ThroughputBench.human(size),
                        (System.nanoTime() - t0) / 1e9));
                List<Target> targets = BenchStack.targets(bench.sourceVersions());
                long t1 = System.nanoTime();
                status.awaitCompleted(targets, Duration.ofMinutes(30));
                double seconds = (System.nanoTime() - t1) / 1e9;
                boolean alive = worker.isAlive();
                long[] peak = peakHeap(gcLog);
                say.accept("==== memory: one " + ThroughputBench.human(size) + " object, worker -Xmx" + a.get("xmx")
                        + " -> " + bench.destinationName() + " ====");
                say.accept(String.format("replicated in %.1f s (%.1f MiB/s); worker alive: %s; peak heap %d MiB of %d MiB "
                        + "(%d GCs logged); %s", seconds, size / (double) ThroughputBench.MIB / seconds, alive, peak[0],
                        peak[1], peak[2], alive ? "PASS" : "FAIL"));
                code = alive ? 0 : 1;
            }
        } catch (RuntimeException | Error e) {
            say.accept("FAILED: " + e);
            e.printStackTrace();
            code = 1;
        }
        say.accept(BenchStack.machine());
        System.exit(code);
    }

    /** {peak MiB before a GC, heap capacity MiB, number of GC lines}. */
    static long[] peakHeap(Path gcLog) throws IOException {
        long peak = 0;
        long capacity = 0;
        long n = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
                capacity = Math.max(capacity, Long.parseLong(m.group(3)));
                n++;
            }
        }
        return new long[] {peak, capacity, n};
    }
}
