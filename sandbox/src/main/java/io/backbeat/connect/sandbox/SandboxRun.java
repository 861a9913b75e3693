package io.backbeat.connect.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;


import software.amazon.awssdk.services.s3.S3Client;

/**
 * One sandbox run on a started {@link SandboxStack}: deploy the connector configs, create the replicated bucket,
 * write the workload, show progress once a second, then check the result.
 */
public final class SandboxRun {

    /** How big the run is and how long it may take. */
    public record Options(int objects, long seed, Duration timeout) {
    }

    /** The run's outcome. */
    public record Result(Workload.Result written, ReplicationCheck.Report report, Duration replicationTime) {
        public boolean ok() {
            return report.ok();
        }
    }

    private SandboxRun() {
    }

    /** True when one of the files deploys the status writer (the connector that updates the source metadata). */
    static boolean deploysStatusWriter(List<ConnectorConfigFile> files) {
        return files.stream().anyMatch(f -> f.connectorClass().endsWith(".ReplicationStatusSinkConnector"));
    }

    public static Result run(SandboxStack stack, List<ConnectorConfigFile> files, Options options,
            Consumer<String> say) {
        stack.deploy(files, Duration.ofSeconds(60), say);
        if (files.stream().noneMatch(f -> f.connectorClass().endsWith(".MetadataLogSourceConnector"))) {
            throw new IllegalStateException("no MetadataLogSourceConnector among the connector configs");
        }
        boolean statusWriter = deploysStatusWriter(files);
        if (!statusWriter) {
            say.accept("NOTE: no status writer (ReplicationStatusSinkConnector) among the connector configs: the "
                    + "source will keep saying PENDING");
        }

        Map<String, S3Client> sites = new LinkedHashMap<>();
        List<String> siteNames = new ArrayList<>(stack.sites().keySet());
        try (S3Client src = stack.newSourceClient();
                ReplicationMonitor monitor = new ReplicationMonitor(stack.connect().bootstrapServers(),
                        SandboxStack.STATUS_TOPIC)) {
            stack.sites().forEach((site, endpoint) -> sites.put(site, endpoint.newClient()));
            Workload.createBucket(src, Workload.SOURCE_BUCKET, SandboxStack.DESTINATION_BUCKET, siteNames);
            say.accept("created versioned bucket " + Workload.SOURCE_BUCKET + " with a replication rule to "
                    + siteNames + " (destination bucket " + SandboxStack.DESTINATION_BUCKET + ")");
            long start = System.nanoTime();
            java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
            ReplicationCheck check = new ReplicationCheck(src, Workload.SOURCE_BUCKET, sites,
                    SandboxStack.DESTINATION_BUCKET, monitor);
            Progress progress = new Progress(monitor, siteNames, written, start, say);
            // progress shows while the workload is written, too
            java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "sandbox-progress");
                        t.setDaemon(true);
                        return t;
                    });
            ticker.scheduleAtFixedRate(progress::print, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
            // versions both sites reported are checked while the rest replicates; the end check reuses the results
            // that still hold
            java.util.concurrent.ExecutorService early = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "sandbox-early-check");
                t.setDaemon(true);
                return t;
            });
            java.util.Set<ReplicationMonitor.Target> submitted = java.util.concurrent.ConcurrentHashMap.newKeySet();
            ticker.scheduleAtFixedRate(() -> {
                for (ReplicationMonitor.Target t : monitor.completedEverywhere(Workload.SOURCE_BUCKET, siteNames)) {
                    if (submitted.add(t)) {
                        early.execute(() -> {
                            try {
                                check.checkEarly(new ReplicationCheck.SourceVersion(t.key(), t.versionId(), false));
                            } catch (RuntimeException e) {
                                // nothing kept: the end check reads this version again and reports what is wrong
                            }
                        });
                    }
                }
            }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
            Workload.Result writtenResult;
            long deadline;
            try {
                writtenResult = Workload.write(src, Workload.SOURCE_BUCKET, options.objects(), options.seed(),
                        written::incrementAndGet, say);
                progress.expect(check.targets(check.sourceVersions()));
                deadline = System.nanoTime() + options.timeout().toNanos();
                while (!progress.done() && System.nanoTime() < deadline) {
                    sleep(200);
                }
            } finally {
                ticker.shutdownNow();
                early.shutdownNow();
            }
            progress.print();
            Workload.Result writtenFinal = writtenResult;
            Duration replicationTime = Duration.ofNanos(System.nanoTime() - start);
            // the status write-back and the tag change trail the data copies by a little: re-check until clean
            if (statusWriter) {
                // the status write-back trails the copies a little: wait for it with HEADs before reading everything
                List<ReplicationCheck.SourceVersion> versions = check.sourceVersions();
                List<ReplicationCheck.SourceVersion> notCompleted = check.notCompletedAtSource(versions);
                while (!notCompleted.isEmpty() && System.nanoTime() < deadline) {
                    say.accept("waiting for the status write-back: " + notCompleted.size()
                            + " versions not COMPLETED at the source yet");
                    sleep(500);
                    notCompleted = check.notCompletedAtSource(notCompleted);
                }
            }
            say.accept("checking every version at the source and at " + siteNames + " (" + check.checkedEarly()
                    + " of them read at both sites already while the run went on)...");
            ReplicationCheck.Report report = check.run(statusWriter);
            while (!report.ok() && System.nanoTime() < deadline) {
                say.accept("not yet: " + report.problems().size() + " problems (e.g. " + report.problems().get(0)
                        + "); checking again");
                sleep(1000);
                report = check.run(statusWriter);
            }
            if (!statusWriter) {
                List<String> problems = new ArrayList<>(report.problems());
                problems.add(0, "no status writer connector deployed (connector-configs/replication-status.json): "
                        + "the source cannot show COMPLETED");
                report = new ReplicationCheck.Report(report.versions(), report.deleteMarkers(),
                        report.identicalPerSite(), report.sourceCompleted(), false, List.copyOf(problems));
            }
            return new Result(writtenFinal, report, replicationTime);
        } finally {
            sites.values().forEach(S3Client::close);
        }
    }

    /** The once-a-second progress line: per site replicated / pending / failed, and the throughput. */
    private static final class Progress {
        private final ReplicationMonitor monitor;
        private final List<String> sites;
        private final java.util.concurrent.atomic.AtomicInteger written;
        private final long start;
        private final Consumer<String> say;
        private volatile List<ReplicationMonitor.Target> targets;
        private long lastBytes;
        private long lastTick;

        Progress(ReplicationMonitor monitor, List<String> sites, java.util.concurrent.atomic.AtomicInteger written,
                long start, Consumer<String> say) {
            this.monitor = monitor;
            this.sites = sites;
            this.written = written;
            this.start = start;
            this.lastTick = start;
            this.say = say;
        }

        /** From now on pending counts against the source's listed versions, not the versions written so far. */
        void expect(List<ReplicationMonitor.Target> all) {
            targets = all;
        }

        boolean done() {
            List<ReplicationMonitor.Target> t = targets;
            return t != null && sites.stream().allMatch(site -> monitor.counts(site, t).pending() == 0);
        }

        synchronized void print() {
            long now = System.nanoTime();
            List<ReplicationMonitor.Target> t = targets;
            StringBuilder line = new StringBuilder(String.format("[%5.1fs]", (now - start) / 1e9));
            long totalBytes = 0;
            for (String site : sites) {
                ReplicationMonitor.SiteCounts c = t == null ? monitor.counts(site, written.get()) : monitor.counts(site, t);
                line.append(String.format(" %s: %d replicated, %d pending, %d failed |", site, c.replicated(),
                        c.pending(), c.failed()));
                totalBytes += c.bytes();
            }
            double seconds = Math.max(1e-3, (now - lastTick) / 1e9);
            line.append(String.format(" %.1f MiB/s", (totalBytes - lastBytes) / seconds / (1024 * 1024)));
            if (t == null) {
                line.append(" (writing: ").append(written.get()).append(" versions so far)");
            }
            if (monitor.badRecords() > 0) {
                line.append(" | ").append(monitor.badRecords()).append(" unreadable status records (last: ")
                        .append(monitor.lastBadRecord()).append(')');
            }
            say.accept(line.toString());
            lastBytes = totalBytes;
            lastTick = now;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
