package io.backbeat.connect.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.backbeat.connect.sandbox.ReplicationMonitor;
import io.backbeat.connect.sandbox.ReplicationMonitor.Target;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Latency under a steady load: {@code --rate} 4 KiB objects per second for {@code --seconds}; for each version
 * the time from the source write (the moment the source site acknowledged the PUT) to the destination write
 * (the sink's replicated time) and to its COMPLETED status event being readable from the status topic.
 * Target: p99 under 2 s on loopback. First, untimed, {@code --warm-up} objects go through the whole path
 * ({@link ThroughputBench#warmUp}), so that the measured minute does not run on a cold JVM.
 */
public final class LatencyBench {

    private LatencyBench() {
    }

    record Written(String key, String versionId, long ackMs) {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchStack.args(argv, Map.of("rate", "50", "seconds", "60", "destination", "s3mock",
                "size-kib", "4", "warm-up", "2000", "redis", "false", "workers", "in-process"));
        Consumer<String> say = BenchStack.console();
        say.accept(BenchStack.machine());
        int rate = Integer.parseInt(a.get("rate"));
        int seconds = Integer.parseInt(a.get("seconds"));
        int size = Integer.parseInt(a.get("size-kib")) * 1024;
        int code = 0;
        try (BenchStack bench = BenchStack.start(a.get("destination"), 2, Boolean.parseBoolean(a.get("redis")), say)) {
            bench.placeWorkers(a.get("workers"), say);
            bench.deploy(Map.of(), say);
            ConcurrentLinkedQueue<Written> written = new ConcurrentLinkedQueue<>();
            AtomicInteger errors = new AtomicInteger();
            AtomicInteger next = new AtomicInteger();
            int total = rate * seconds;
            byte[] data = new byte[size];
            new java.util.Random(1).nextBytes(data);
            try (S3Client src = bench.sandbox().newSourceClient(); ReplicationMonitor status = bench.monitor()) {
                ThroughputBench.warmUp(bench, status, new ThroughputBench.Phase(Integer.parseInt(a.get("warm-up")), size,
                        0, 16, BenchStack.sinkConcurrency(Map.of()), false), BenchStack.WARM_UP, say);
                // the warm-up leaves seconds of queued compilation: let it finish before the clock starts
                Jit.settle("the steady load", say);
                // the clock only starts writes; a fixed-rate task never overlaps itself, so a write that takes
                // longer than the period would otherwise hold back the next one and lower the rate
                ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
                ExecutorService writers = Executors.newFixedThreadPool(32);
                long periodMicros = 1_000_000L / rate;
                clock.scheduleAtFixedRate(() -> {
                    int i = next.getAndIncrement();
                    if (i >= total) {
                        return;
                    }
                    writers.execute(() -> {
                        try {
                            String key = String.format("steady/obj-%06d", i);
                            String v = src.putObject(b -> b.bucket(BenchStack.BUCKET).key(key),
                                    RequestBody.fromBytes(data)).versionId();
                            written.add(new Written(key, v, System.currentTimeMillis()));
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                        }
                    });
                }, 0, periodMicros, TimeUnit.MICROSECONDS);
                long t0 = System.nanoTime();
                // CPU per component every 20 s: which part of the stack grows when the pipeline falls behind
                List<CpuAccount.Snapshot> cpu = new ArrayList<>(List.of(CpuAccount.now()));
                while (written.size() + errors.get() < total && System.nanoTime() - t0 < (seconds + 120) * 1_000_000_000L) {
                    Topics.sleep(100);
                    if (System.nanoTime() - cpu.get(cpu.size() - 1).wallNanos() >= 20_000_000_000L) {
                        cpu.add(CpuAccount.now());
                    }
                }
                for (int w = 1; w < cpu.size(); w++) {
                    say.accept(String.format("writes %d-%d s: ", (w - 1) * 20, w * 20) + CpuAccount.between(
                            cpu.get(w - 1), cpu.get(w), rate * 20, "object written"));
                }
                clock.shutdownNow();
                writers.shutdownNow();
                double achieved = written.size() / ((System.nanoTime() - t0) / 1e9);
                say.accept(String.format("wrote %d objects (%d errors) at %.1f objects/s (asked %d/s)", written.size(),
                        errors.get(), achieved, rate));
                List<Target> targets = new ArrayList<>();
                written.forEach(w -> targets.add(new Target(BenchStack.BUCKET, w.key(), versionExternal(w), BenchStack.SITE)));
                status.awaitCompleted(targets, Duration.ofMinutes(10));
                long[] toDestination = new long[written.size()];
                long[] toCompleted = new long[written.size()];
                int i = 0;
                for (Written w : written) {
                    ReplicationMonitor.Completion c = status.firstCompletion(new Target(BenchStack.BUCKET, w.key(),
                            versionExternal(w), BenchStack.SITE)).orElseThrow();
                    Long replicatedMs = c.event().replicatedTimeMs();
                    toDestination[i] = (replicatedMs == null ? c.observedMs() : replicatedMs) - w.ackMs();
                    toCompleted[i] = c.observedMs() - w.ackMs();
                    i++;
                }
                Map<String, Long> journaled;
                try (Topics log = new Topics(bench.sandbox().connect().bootstrapServers(),
                        io.backbeat.connect.sandbox.SandboxStack.METADATA_LOG_TOPIC)) {
                    journaled = log.firstTimestamps("steady/");
                }
                timeline(written, journaled, status, say);
                say.accept("==== latency at " + rate + " objects/s for " + seconds + " s -> " + bench.destinationName()
                        + " ====");
                say.accept("source write -> destination written: " + percentiles(toDestination));
                say.accept("source write -> COMPLETED status event: " + percentiles(toCompleted));
                long p99 = percentile(toCompleted, 99);
                say.accept("target p99 < 2000 ms: " + (p99 < 2000 ? "met" : "MISSED") + " (p99 " + p99 + " ms)");
                say.accept("duplicate copies: " + status.duplicates(targets));
            }
        } catch (RuntimeException | Error e) {
            say.accept("FAILED: " + e);
            e.printStackTrace();
            code = 1;
        }
        say.accept(BenchStack.machine());
        System.exit(code);
    }

    /**
     * Where the time goes, per 5-s window of source writes: source write → journaled (the journal entry's record
     * time), → destination written (the sink's replicated time), → COMPLETED read from the status topic; p50 and
     * max of each stage in ms.
     */
    private static void timeline(Iterable<Written> written, Map<String, Long> journaled, ReplicationMonitor status,
                                 Consumer<String> say) {
        long start = Long.MAX_VALUE;
        for (Written w : written) {
            start = Math.min(start, w.ackMs());
        }
        Map<Long, List<long[]>> windows = new java.util.TreeMap<>();
        for (Written w : written) {
            ReplicationMonitor.Completion c = status.firstCompletion(new Target(BenchStack.BUCKET, w.key(),
                    versionExternal(w), BenchStack.SITE)).orElseThrow();
            long j = journaled.getOrDefault(w.key(), w.ackMs());
            long d = c.event().replicatedTimeMs() == null ? c.observedMs() : c.event().replicatedTimeMs();
            windows.computeIfAbsent((w.ackMs() - start) / 5000, k -> new ArrayList<>())
                    .add(new long[] {j - w.ackMs(), d - j, c.observedMs() - d});
        }
        say.accept("writes at s | n | write->journaled p50/max | journaled->written p50/max | written->COMPLETED p50/max");
        windows.forEach((window, stages) -> {
            StringBuilder line = new StringBuilder(String.format("%4d | %3d", window * 5, stages.size()));
            for (int stage = 0; stage < 3; stage++) {
                int s = stage;
                long[] v = stages.stream().mapToLong(x -> x[s]).toArray();
                line.append(String.format(" | %6d %6d", percentile(v, 50), Arrays.stream(v).max().orElse(0)));
            }
            say.accept(line.toString());
        });
    }

    /** The PUT answer's version id is already external (what S3 clients see). */
    private static String versionExternal(Written w) {
        return w.versionId();
    }

    static String percentiles(long[] values) {
        return String.format("p50 %d ms, p95 %d ms, p99 %d ms, max %d ms (n=%d)", percentile(values, 50),
                percentile(values, 95), percentile(values, 99), Arrays.stream(values).max().orElse(0), values.length);
    }

    static long percentile(long[] values, int p) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
