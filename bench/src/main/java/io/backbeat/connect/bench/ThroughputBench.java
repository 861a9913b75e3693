package io.backbeat.connect.bench;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.backbeat.connect.sandbox.ReplicationCheck.SourceVersion;
import io.backbeat.connect.sandbox.ReplicationMonitor;
import io.backbeat.connect.sandbox.ReplicationMonitor.Target;
import io.backbeat.connect.sandbox.SandboxStack;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Throughput of replication against the plain SDK copy loop (and rclone for large objects), on one stack: a
 * warm-up, then a few measured rounds, each on fresh buckets; the report gives every round and the median ratio
 * (a round's phases are 10–30 s on a saturated 2-core box, and one round's ratio moves by ±10 %).
 *
 * <p>How "ours" is timed: the replication connector is paused, the objects are written to the source and the
 * source connector puts their entries into Kafka; then the connector is resumed and the clock runs from the
 * resume to the moment the last version is reported COMPLETED. The baseline copies the same, already written,
 * versions from the same source endpoint to a bucket on the same destination endpoint, with as many threads as
 * the sink has entries in flight (tasks × concurrency). Both start from objects at rest on the source, and only
 * after an untimed {@linkplain #warmUp warm-up} through both paths. A round's copies run one after the other, in
 * an {@linkplain #order order} that rotates from round to round, each after the JIT has settled.
 */
final class ThroughputBench {

    static final long MIB = 1024 * 1024;

    private ThroughputBench() {
    }

    /** One measured round: ours and the baseline (and rclone) on the same, fresh, buckets. */
    record Outcome(double ours, double baseline, Double rclone, long duplicates) {
    }

    /**
     * The warm-up, then {@code rounds} measured rounds, each on buckets of its own.
     *
     * @param warmUpRounds how many times the untimed warm-up runs, each on buckets of its own
     * @param sizeBytes   size of every object
     * @param partBytes   multipart part size on the source (0: single PUT)
     * @param perMiB      report MiB/s (true) or objects/s (false)
     */
    static List<Outcome> run(BenchStack bench, int rounds, int objects, int warmUpRounds, long sizeBytes,
            long partBytes, int writers, Map<String, String> overrides, boolean withRclone, boolean perMiB,
            Consumer<String> say) throws Exception {
        bench.deploy(overrides, say);
        int threads = BenchStack.sinkConcurrency(overrides);
        Phase phase = new Phase(objects, sizeBytes, partBytes, writers, threads, perMiB);
        try (Topics log = new Topics(bench.sandbox().connect().bootstrapServers(), SandboxStack.METADATA_LOG_TOPIC);
                // the clock stops when the last completion is read. Thousands of small objects: read in batches, up
                // to 100 ms late (< 1 % of such a phase), as a fetch per event would cost the measured path CPU.
                // A few large ones: each read on arrival, as 100 ms would be ~2 % of a 5 s phase.
                ReplicationMonitor status = perMiB ? bench.monitor() : bench.monitor(Duration.ofMillis(100))) {
            for (int w = 1; w <= warmUpRounds; w++) {
                warmUp(bench, status, phase, bench.warmUp(w), say);
            }
            List<Outcome> outcomes = new ArrayList<>();
            List<Copier> copiers = withRclone ? List.of(Copier.OURS, Copier.BASELINE, Copier.RCLONE)
                    : List.of(Copier.OURS, Copier.BASELINE);
            for (int r = 1; r <= rounds; r++) {
                say.accept("---- round " + r + " of " + rounds + " ----");
                outcomes.add(round(bench, bench.round(r), phase, log, status, "rclone-bucket-" + r,
                        order(copiers, r), say));
            }
            return outcomes;
        }
    }

    /** The copies a round times, each from the same objects at rest on the source. */
    enum Copier {
        OURS("ours"), BASELINE("the baseline"), RCLONE("rclone");

        private final String label;

        Copier(String label) {
            this.label = label;
        }
    }

    /**
     * The order of round {@code r}: the copiers rotated by one place per round, so that over as many rounds as there
     * are copiers each one runs once in every position (first after the source writes, right after another copy,
     * last), and no copier always pays (or is spared) what running in one position costs.
     */
    static List<Copier> order(List<Copier> copiers, int r) {
        List<Copier> order = new ArrayList<>(copiers);
        Collections.rotate(order, -((r - 1) % copiers.size()));
        return order;
    }

    /** What the warm-up and every round do the same: how much is written, how, and at what concurrency. */
    record Phase(int objects, long sizeBytes, long partBytes, int writers, int threads, boolean perMiB) {
        double rate(double seconds) {
            return perMiB ? objects * sizeBytes / (double) MIB / seconds : objects / seconds;
        }

        String unit() {
            return perMiB ? "MiB/s" : "objects/s";
        }
    }

    private static Outcome round(BenchStack bench, BenchStack.Buckets buckets, Phase p, Topics log,
            ReplicationMonitor status, String rcloneBucket, List<Copier> order, Consumer<String> say) throws Exception {
        bench.pause(BenchStack.SITE_CONNECTOR);
        long entriesBefore = log.records();
        CpuAccount.Snapshot cpuBeforeWrites = CpuAccount.now();
        long t0 = System.nanoTime();
        try (S3Client src = bench.sandbox().newSourceClient()) {
            write(src, buckets.source(), p.objects(), p.sizeBytes(), p.partBytes(), p.writers());
        }
        double writeSeconds = (System.nanoTime() - t0) / 1e9;
        say.accept(String.format("wrote %d objects of %s to the source in %.1f s (%.1f objects/s, %.1f MiB/s)",
                p.objects(), human(p.sizeBytes()), writeSeconds, p.objects() / writeSeconds,
                p.objects() * p.sizeBytes() / (double) MIB / writeSeconds));
        // the source side of a replication (PUTs, metadata writes, journal entries into Kafka): what a steady
        // load costs this machine on top of the copies (the latency benchmark runs both at once)
        say.accept("writes (source site, MongoDB, source connector), "
                + CpuAccount.between(cpuBeforeWrites, CpuAccount.now(), p.objects(), "object"));
        List<SourceVersion> versions = bench.sourceVersions(buckets);
        List<Target> targets = BenchStack.targets(buckets, versions);
        long[] entries = log.awaitQuiet(entriesBefore + p.objects(), Duration.ofSeconds(3), Duration.ofMinutes(10));
        say.accept("the source connector put " + (entries[0] - entriesBefore) + " entries into "
                + SandboxStack.METADATA_LOG_TOPIC + "; order of this round: "
                + order.stream().map(c -> c.label).collect(Collectors.joining(", then ")));
        OursRun ours = null;
        double baseline = 0;
        Double rclone = null;
        for (Copier copier : order) {
            switch (copier) {
                case OURS -> ours = ours(bench, targets, p, status, say);
                case BASELINE -> baseline = baseline(bench, buckets, versions, p, say);
                case RCLONE -> rclone = rclone(bench, buckets, rcloneBucket, p, say);
            }
        }
        return new Outcome(ours.rate(), baseline, rclone, ours.duplicates());
    }

    /** {@code rclone copy} of the round's source bucket to a bucket of its own on the destination, timed. */
    private static double rclone(BenchStack bench, BenchStack.Buckets buckets, String rcloneBucket, Phase p,
            Consumer<String> say) throws Exception {
        // rclone is a process of its own, but the source site it reads from runs in this JVM
        Jit.settle("rclone", say);
        double s = Rclone.copy(bench.sourceEndpoint(), buckets.source(), bench.destination(), rcloneBucket,
                p.threads(), say);
        double rate = p.rate(s);
        say.accept(String.format("rclone:   rclone copy --transfers %d: %.2f s -> %.2f %s", p.threads(), s, rate,
                p.unit()));
        return rate;
    }

    /** Ours in one round: the rate, and the versions copied more than once. */
    private record OursRun(double rate, long duplicates) {
    }

    /** Resumes the site connector on the journaled entries and times it until the last version is COMPLETED. */
    private static OursRun ours(BenchStack bench, List<Target> targets, Phase p, ReplicationMonitor status,
            Consumer<String> say) throws Exception {
        Jit.settle("ours", say);
        Map<String, Long> requestsAtResume = BrokerRequests.now();
        CpuAccount.Snapshot cpuAtResume = CpuAccount.now();
        long resumedMs = System.currentTimeMillis();
        bench.resume(BenchStack.SITE_CONNECTOR);
        long lastMs = status.awaitCompleted(targets, Duration.ofMinutes(30));
        CpuAccount.Snapshot cpuAtEnd = CpuAccount.now();
        double oursSeconds = (lastMs - resumedMs) / 1e3;
        double ours = p.rate(oursSeconds);
        long duplicates = status.duplicates(targets);
        say.accept(String.format("ours:     %d versions COMPLETED in %.2f s -> %.2f %s (duplicate copies: %d)",
                targets.size(), oursSeconds, ours, p.unit(), duplicates));
        // the ends of the clock that are not copying: Connect's reaction to the resume (the state goes through the
        // config topic; the task then resumes its partitions and fetches) and, for large objects, the first whole
        // copy; and the last status event's way to the stopwatch (the producer's linger, the monitor's fetch)
        java.util.LongSummaryStatistics written = targets.stream().map(status::firstCompletion)
                .flatMap(java.util.Optional::stream)
                .mapToLong(c -> c.event().replicatedTimeMs() == null ? c.observedMs() : c.event().replicatedTimeMs())
                .summaryStatistics();
        say.accept(String.format("ours:     first version written to the destination %d ms after the resume; the last "
                + "written %d ms before its COMPLETED was read", written.getMin() - resumedMs,
                lastMs - written.getMax()));
        say.accept("ours, " + CpuAccount.between(cpuAtResume, cpuAtEnd, p.objects(), "object"));
        say.accept("ours, " + BrokerRequests.between(requestsAtResume, BrokerRequests.now(), p.objects(), "object"));
        return new OursRun(ours, duplicates);
    }

    /** The baseline loop over the same versions, timed. */
    private static double baseline(BenchStack bench, BenchStack.Buckets buckets, List<SourceVersion> versions, Phase p,
            Consumer<String> say) throws Exception {
        Jit.settle("the baseline", say);
        Baseline run = baselineCopy(bench, buckets, versions, p.threads());
        CopyLoop.Result base = run.result();
        double baseline = p.perMiB() ? base.mibPerSecond() : base.objectsPerSecond();
        say.accept(String.format("baseline: SDK GET->PUT loop, %d threads: %d objects in %.2f s -> %.2f %s",
                p.threads(), base.objects(), base.nanos() / 1e9, baseline, p.unit()));
        say.accept("baseline, " + CpuAccount.between(run.cpuBefore(), run.cpuAfter(), p.objects(), "object"));
        return baseline;
    }

    /**
     * Untimed, before anything is measured: as many objects as measured, in buckets of their own
     * ({@link BenchStack#warmUp}), written, replicated by the running connector and copied by the baseline loop.
     * Everything in this one JVM (the broker, Connect, our sink, the SDK, S3Mock, the emulator) is then compiled by
     * the JIT along both paths. On a saturated 2-core box the compiler threads get little CPU, so the JVM keeps
     * warming for thousands of requests: without this the phase that runs first (ours) paid for it, over TLS most
     * visibly (GCM's GHASH interpreted).
     */
    static void warmUp(BenchStack bench, ReplicationMonitor status, Phase p, BenchStack.Buckets buckets,
            Consumer<String> say) throws Exception {
        long t0 = System.nanoTime();
        try (S3Client src = bench.sandbox().newSourceClient()) {
            write(src, buckets.source(), p.objects(), p.sizeBytes(), p.partBytes(), p.writers());
        }
        List<SourceVersion> versions = bench.sourceVersions(buckets);
        status.awaitCompleted(BenchStack.targets(buckets, versions), Duration.ofMinutes(30));
        double replicated = (System.nanoTime() - t0) / 1e9;
        CopyLoop.Result copied = baselineCopy(bench, buckets, versions, p.threads()).result();
        say.accept(String.format("warm-up (untimed, %s): %d objects written and replicated in %.1f s, copied by the "
                + "baseline loop in %.1f s", buckets.source(), versions.size(), replicated, copied.nanos() / 1e9));
    }

    /** One run of the baseline loop, and the process's CPU account around the copy itself. */
    private record Baseline(CopyLoop.Result result, CpuAccount.Snapshot cpuBefore, CpuAccount.Snapshot cpuAfter) {
    }

    /** The baseline loop over {@code versions} into the phase's baseline bucket, on a pool of its own. */
    private static Baseline baselineCopy(BenchStack bench, BenchStack.Buckets buckets, List<SourceVersion> versions,
            int threads) {
        ExecutorService pool = CopyLoop.pool(threads);
        try (S3Client src = bench.sandbox().newSourceClient(); S3Client dst = bench.destination().newClient()) {
            CpuAccount.Snapshot before = CpuAccount.now();
            CopyLoop.Result result = CopyLoop.copy(src, buckets.source(), versions, dst, buckets.baseline(), pool);
            // read before the pool's threads end: their CPU time is gone with them
            return new Baseline(result, before, CpuAccount.now());
        } finally {
            pool.shutdownNow();
        }
    }

    static String human(long bytes) {
        return bytes >= MIB ? bytes / MIB + " MiB" : bytes >= 1024 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    static void write(S3Client src, String bucket, int objects, long size, long partBytes, int writers)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < objects; i++) {
                String key = String.format("bench/obj-%05d", i);
                long seed = i;
                writes.add(pool.submit(() -> {
                    if (partBytes > 0 && size > partBytes) {
                        multipart(src, bucket, key, size, partBytes, seed);
                    } else {
                        src.putObject(b -> b.bucket(bucket).key(key).contentType("application/octet-stream"),
                                RequestBody.fromInputStream(new RandomStream(size, seed), size));
                    }
                    return null;
                }));
            }
            for (Future<?> f : writes) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void multipart(S3Client src, String bucket, String key, long size, long partBytes, long seed) {
        String uploadId = src.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .contentType("application/octet-stream")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        long offset = 0;
        for (int n = 1; offset < size; n++) {
            long length = Math.min(partBytes, size - offset);
            int number = n;
            String etag = src.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromInputStream(new RandomStream(length, seed * 100_003 + n), length)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            offset += length;
        }
        src.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
    }

    /** Pseudo-random bytes of a given length without holding them in memory (a 64 KiB block, re-keyed). */
    static final class RandomStream extends InputStream {
        private final byte[] block = new byte[64 * 1024];
        private final Random random;
        private long left;
        private int pos = block.length;

        RandomStream(long length, long seed) {
            this.left = length;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            if (pos == block.length) {
                random.nextBytes(block);
                pos = 0;
            }
            int n = (int) Math.min(Math.min(len, block.length - pos), left);
            System.arraycopy(block, pos, b, off, n);
            pos += n;
            left -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            left = 0;
        }
    }

    /** Each round's figures, then the median ratio against the target. */
    static void report(Consumer<String> say, String what, List<Outcome> rounds, String unit, double target,
            boolean vsRclone) {
        say.accept("==== " + what + " ====");
        for (int r = 0; r < rounds.size(); r++) {
            Outcome o = rounds.get(r);
            say.accept(String.format("round %d: ours %.2f %s | baseline %.2f %s | ours/baseline %.2f%s", r + 1, o.ours(),
                    unit, o.baseline(), unit, o.ours() / o.baseline(), o.rclone() == null ? ""
                            : String.format(" | rclone %.2f %s | ours/rclone %.2f", o.rclone(), unit,
                                    o.ours() / o.rclone())));
        }
        double ratio = median(rounds.stream().mapToDouble(o -> o.ours() / (vsRclone ? o.rclone() : o.baseline())));
        say.accept(String.format("median ours/%s over %d rounds: %.2f (target >= %.1f: %s)",
                vsRclone ? "rclone" : "baseline", rounds.size(), ratio, target, ratio >= target ? "met" : "MISSED"));
    }

    private static double median(java.util.stream.DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
