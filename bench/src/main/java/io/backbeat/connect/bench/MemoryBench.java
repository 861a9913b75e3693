package io.backbeat.connect.bench;

import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.connect.util.clusters.WorkerHandle;

import io.backbeat.connect.sandbox.ReplicationMonitor;
import io.backbeat.connect.sandbox.ReplicationMonitor.Target;
import io.backbeat.connect.testbed.Await;

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
        Process worker = null;
        Path dir = Files.createTempDirectory("bench-memory-worker");
        Path gcLog = dir.resolve("gc.log");
        try (BenchStack bench = BenchStack.start(a.get("destination"), 1, say)) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Properties props = new Properties();
            props.putAll(bench.sandbox().connect().workerProps());
            props.put("listeners", "HTTP://localhost:" + port);
            Path config = dir.resolve("worker.properties");
            try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "memory benchmark worker");
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx" + a.get("xmx"), "-Xlog:gc:file=" + gcLog, "-cp", classPath(),
                    "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()));
            worker = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("worker.log")
                    .toFile()).start();
            URI rest = URI.create("http://localhost:" + port + "/");
            Process w = worker;
            HttpClient http = HttpClient.newHttpClient();
            Await.until(Duration.ofMinutes(3), "the -Xmx" + a.get("xmx") + " worker to serve REST", () -> {
                if (!w.isAlive()) {
                    throw new IllegalStateException("worker exited: " + Files.readString(dir.resolve("worker.log")));
                }
                try {
                    return http.send(HttpRequest.newBuilder(rest.resolve("connectors")).GET().build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            // the in-process worker leaves: every task runs in the -Xmx worker
            for (WorkerHandle h : List.copyOf(bench.sandbox().connect().embedded().workers())) {
                bench.sandbox().connect().removeWorker(h);
            }
            say.accept("worker JVM -Xmx" + a.get("xmx") + " (pid " + worker.pid() + ") is the only worker; GC log " + gcLog);
            bench.deployResolved(rest, Map.of("tasks.max", "1"), say);
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
        } finally {
            if (worker != null) {
                worker.destroyForcibly();
            }
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

    /** The class path for the worker JVM: ours, unless we run inside Maven (exec:java). */
    private static String classPath() throws IOException {
        String cp = System.getProperty("java.class.path");
        if (cp.contains("plexus-classworlds")) {
            Path bench = BenchStack.projectRoot().resolve("bench/target");
            return bench.resolve("classes") + java.io.File.pathSeparator
                    + Files.readString(bench.resolve("bench.classpath")).trim();
        }
        return cp;
    }
}
