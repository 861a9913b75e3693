package io.backbeat.connect.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The check a person can trust at the end of a sandbox run: every version of the source bucket is COMPLETED on
 * the source (when a status writer runs), and present at every site with the same bytes (SHA-256), size,
 * content type, user metadata and tags, marked as a replica; every delete marker is the latest version of its
 * key at every site.
 */
public final class ReplicationCheck {

    /** User metadata key (without x-amz-meta-) CloudServer/Backbeat put on replicas. */
    static final String REPLICA_MARK = "scal-replication-status";

    /** The source's versions: the targets of replication, one per site. */
    public record SourceVersion(String key, String versionId, boolean deleteMarker) {
    }

    /** Outcome of one check. */
    public record Report(int versions, int deleteMarkers, Map<String, Integer> identicalPerSite,
            int sourceCompleted, boolean sourceStatusChecked, List<String> problems) {

        public boolean ok() {
            return problems.isEmpty();
        }

        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add("source: " + (versions + deleteMarkers) + " versions (" + deleteMarkers + " delete marker"
                    + (deleteMarkers == 1 ? "" : "s") + ")" + (sourceStatusChecked
                    ? "; replication status COMPLETED on the source: " + sourceCompleted + "/" + versions
                    : "; source status NOT checked (no status writer connector deployed)"));
            identicalPerSite.forEach((site, n) -> lines.add(site + ": " + n + "/" + (versions + deleteMarkers)
                    + " versions identical to the source (bytes, size, content type, user metadata, tags; delete "
                    + "markers latest)"));
            return lines;
        }
    }

    /** A version whose sites all checked out, with the status events it was checked against. */
    private record Checked(Map<String, StatusEvent> events, List<String> siteResults) {
    }

    private final Map<SourceVersion, Checked> checkedEarly = new java.util.concurrent.ConcurrentHashMap<>();
    private final S3Client source;
    private final String sourceBucket;
    private final Map<String, S3Client> sites;
    private final String destinationBucket;
    private final ReplicationMonitor monitor;

    public ReplicationCheck(S3Client source, String sourceBucket, Map<String, S3Client> sites,
            String destinationBucket, ReplicationMonitor monitor) {
        this.source = source;
        this.sourceBucket = sourceBucket;
        this.sites = new LinkedHashMap<>(sites);
        this.destinationBucket = destinationBucket;
        this.monitor = monitor;
    }

    /** Every version and delete marker of the source bucket. */
    public List<SourceVersion> sourceVersions() {
        List<SourceVersion> versions = new ArrayList<>();
        for (ListObjectVersionsResponse page : source.listObjectVersionsPaginator(b -> b.bucket(sourceBucket))) {
            page.versions().forEach(v -> versions.add(new SourceVersion(v.key(), v.versionId(), false)));
            page.deleteMarkers().forEach(d -> versions.add(new SourceVersion(d.key(), d.versionId(), true)));
        }
        return versions;
    }

    /**
     * Object versions at each site beyond one per source version of the same keys (delete markers aside): copies
     * written twice, the duplicates an at-least-once sink can leave. Per site, the keys with extra versions, each
     * as many times as it has extra versions. Keys are those of {@code versions}; the destination bucket may hold
     * other keys too.
     */
    public Map<String, List<String>> extraCopies(List<SourceVersion> versions) {
        Map<String, Long> perKey = versions.stream().filter(v -> !v.deleteMarker())
                .collect(Collectors.groupingBy(SourceVersion::key, Collectors.counting()));
        Map<String, List<String>> extra = new TreeMap<>();
        for (Map.Entry<String, S3Client> site : sites.entrySet()) {
            Map<String, Long> copies = new TreeMap<>();
            for (ListObjectVersionsResponse page : site.getValue().listObjectVersionsPaginator(
                    b -> b.bucket(destinationBucket))) {
                page.versions().stream().filter(v -> perKey.containsKey(v.key()))
                        .forEach(v -> copies.merge(v.key(), 1L, Long::sum));
            }
            List<String> keys = new ArrayList<>();
            copies.forEach((key, n) -> {
                for (long i = perKey.get(key); i < n; i++) {
                    keys.add(key);
                }
            });
            extra.put(site.getKey(), keys);
        }
        return extra;
    }

    /** The replication targets: every source version at every site. */
    public List<ReplicationMonitor.Target> targets(List<SourceVersion> versions) {
        List<ReplicationMonitor.Target> targets = new ArrayList<>();
        for (SourceVersion v : versions) {
            for (String site : sites.keySet()) {
                targets.add(new ReplicationMonitor.Target(sourceBucket, v.key(), v.versionId(), site));
            }
        }
        return targets;
    }

    /**
     * The versions (delete markers aside) whose replication status at the source is not COMPLETED yet: one HEAD per
     * version, a cheap wait for the status write-back before the full {@link #run}.
     */
    public List<SourceVersion> notCompletedAtSource(List<SourceVersion> versions) {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<SourceVersion>> heads = new ArrayList<>();
            for (SourceVersion v : versions) {
                if (!v.deleteMarker()) {
                    heads.add(pool.submit(() -> source.headObject(b -> b.bucket(sourceBucket).key(v.key())
                            .versionId(v.versionId())).replicationStatus()
                            == software.amazon.awssdk.services.s3.model.ReplicationStatus.COMPLETED ? null : v));
                }
            }
            List<SourceVersion> pending = new ArrayList<>();
            for (Future<SourceVersion> f : heads) {
                SourceVersion v = f.get();
                if (v != null) {
                    pending.add(v);
                }
            }
            return pending;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("reading the replication status at the source failed: " + e.getCause(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Checks one version at every site while the run goes on, so that {@link #run} can skip it: the result is kept
     * only when every site checked out, and it counts only while the version's latest status event at each site is
     * still the one it was checked against (a tag change, a copy made again, invalidate it).
     */
    public void checkEarly(SourceVersion v) {
        Map<String, StatusEvent> events = latestEvents(v);
        List<String> results = siteChecks(v, source.headObject(b -> b.bucket(sourceBucket).key(v.key())
                .versionId(v.versionId())));
        if (results.stream().allMatch(r -> r.startsWith("ok:"))) {
            checkedEarly.put(v, new Checked(events, results));
        }
    }

    /** How many versions were checked early (and may be skipped by {@link #run}). */
    public int checkedEarly() {
        return checkedEarly.size();
    }

    private Map<String, StatusEvent> latestEvents(SourceVersion v) {
        Map<String, StatusEvent> events = new LinkedHashMap<>();
        for (String site : sites.keySet()) {
            monitor.latest(new ReplicationMonitor.Target(sourceBucket, v.key(), v.versionId(), site))
                    .ifPresent(e -> events.put(site, e));
        }
        return events;
    }

    /** Runs the whole check (reads every version everywhere, but for the versions checked early and unchanged). */
    public Report run(boolean checkSourceStatus) {
        List<SourceVersion> versions = sourceVersions();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> identical = new TreeMap<>();
        sites.keySet().forEach(s -> identical.put(s, 0));
        int[] sourceCompleted = {0};
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (SourceVersion v : versions) {
                results.add(pool.submit(() -> check(v, checkSourceStatus)));
            }
            for (Future<List<String>> f : results) {
                // each result: "ok:<site>" per identical site, "completed" when the source says COMPLETED,
                // anything else is a problem
                for (String r : f.get()) {
                    if (r.startsWith("ok:")) {
                        identical.merge(r.substring(3), 1, Integer::sum);
                    } else if (r.equals("completed")) {
                        sourceCompleted[0]++;
                    } else {
                        problems.add(r);
                    }
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            problems.add("check failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("check interrupted");
        } finally {
            pool.shutdownNow();
        }
        int markers = (int) versions.stream().filter(SourceVersion::deleteMarker).count();
        Collections.sort(problems);
        return new Report(versions.size() - markers, markers, identical, sourceCompleted[0], checkSourceStatus,
                List.copyOf(problems));
    }

    private List<String> check(SourceVersion v, boolean checkSourceStatus) {
        List<String> out = new ArrayList<>();
        String what = v.key() + " (version " + v.versionId() + ")";
        if (v.deleteMarker()) {
            for (Map.Entry<String, S3Client> site : sites.entrySet()) {
                boolean latestMarker = site.getValue().listObjectVersions(b -> b.bucket(destinationBucket)
                        .prefix(v.key())).deleteMarkers().stream()
                        .anyMatch(d -> d.key().equals(v.key()) && Boolean.TRUE.equals(d.isLatest()));
                if (latestMarker) {
                    out.add("ok:" + site.getKey());
                } else {
                    out.add(site.getKey() + ": delete marker of " + what + " is not the latest version there");
                }
            }
            return out;
        }
        HeadObjectResponse src = source.headObject(b -> b.bucket(sourceBucket).key(v.key()).versionId(v.versionId()));
        if (checkSourceStatus) {
            if (src.replicationStatus() == software.amazon.awssdk.services.s3.model.ReplicationStatus.COMPLETED) {
                out.add("completed");
            } else {
                out.add("source: " + what + " has replication status " + src.replicationStatusAsString()
                        + ", not COMPLETED");
            }
        }
        // an early result holds only with the source's own word that nothing is pending any more
        Checked early = checkSourceStatus && out.contains("completed") ? checkedEarly.get(v) : null;
        if (early != null && early.events().equals(latestEvents(v))) {
            out.addAll(early.siteResults());
        } else {
            out.addAll(siteChecks(v, src));
        }
        return out;
    }

    /** The replicas of one version (not a delete marker) against the source: "ok:site" or a problem, per site. */
    private List<String> siteChecks(SourceVersion v, HeadObjectResponse src) {
        List<String> out = new ArrayList<>();
        String what = v.key() + " (version " + v.versionId() + ")";
        String srcDigest = digest(source, sourceBucket, v.key(), v.versionId());
        Map<String, String> srcTags = tags(source, sourceBucket, v.key(), v.versionId());
        for (Map.Entry<String, S3Client> site : sites.entrySet()) {
            String name = site.getKey();
            StatusEvent event = monitor.latest(new ReplicationMonitor.Target(sourceBucket, v.key(), v.versionId(), name))
                    .orElse(null);
            if (event == null || event.status() != ReplicationStatus.COMPLETED) {
                out.add(name + ": " + what + " not replicated (latest status event: "
                        + (event == null ? "none" : event.status() + (event.reason() == null ? "" : " " + event.reason()))
                        + ")");
                continue;
            }
            String dstVersion = event.destinationVersionId();
            if (dstVersion == null) {
                out.add(name + ": " + what + " COMPLETED without a destination version id");
                continue;
            }
            List<String> diffs = new ArrayList<>();
            try {
                S3Client dst = site.getValue();
                HeadObjectResponse head = dst.headObject(b -> b.bucket(destinationBucket).key(v.key())
                        .versionId(dstVersion));
                if (!Objects.equals(src.contentLength(), head.contentLength())) {
                    diffs.add("size " + head.contentLength() + " != " + src.contentLength());
                }
                if (!Objects.equals(src.contentType(), head.contentType())) {
                    diffs.add("content type " + head.contentType() + " != " + src.contentType());
                }
                src.metadata().forEach((k, value) -> {
                    if (!value.equals(head.metadata().get(k))) {
                        diffs.add("metadata " + k + "=" + head.metadata().get(k) + " != " + value);
                    }
                });
                if (!"REPLICA".equals(head.metadata().get(REPLICA_MARK))) {
                    diffs.add("not marked as a replica (x-amz-meta-" + REPLICA_MARK + "="
                            + head.metadata().get(REPLICA_MARK) + ")");
                }
                if (!srcDigest.equals(digest(dst, destinationBucket, v.key(), dstVersion))) {
                    diffs.add("bytes differ (SHA-256)");
                }
                Map<String, String> dstTags = tags(dst, destinationBucket, v.key(), dstVersion);
                if (!srcTags.equals(dstTags)) {
                    diffs.add("tags " + dstTags + " != " + srcTags);
                }
            } catch (S3Exception e) {
                diffs.add("replica " + dstVersion + " unreadable: " + e.awsErrorDetails().errorCode() + " "
                        + e.getMessage());
            }
            if (diffs.isEmpty()) {
                out.add("ok:" + name);
            } else {
                out.add(name + ": " + what + " -> " + dstVersion + ": " + String.join("; ", diffs));
            }
        }
        return out;
    }

    private static Map<String, String> tags(S3Client s3, String bucket, String key, String versionId) {
        return s3.getObjectTagging(b -> b.bucket(bucket).key(key).versionId(versionId)).tagSet().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b, TreeMap::new));
    }

    private static String digest(S3Client s3, String bucket, String key, String versionId) {
        try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key).versionId(versionId))) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + bucket + "/" + key + " failed", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
