package io.backbeat.connect.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ReplicationRuleStatus;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * What the sandbox writes to the source site: a versioned bucket with one replication rule to both sites, then
 * objects of mixed sizes (empty to a few MiB, some with tags, a few overwritten), one multipart upload, a tag
 * change on an existing version and a delete marker. Sizes and contents come from a seed, so a run can be
 * repeated.
 */
public final class Workload {

    public static final String SOURCE_BUCKET = "source-bucket";
    /** CloudServer's replication role pair (source role, destination role) for CloudServer-type sites. */
    public static final String ROLE = "arn:aws:iam::000000000000:role/backbeat-source,"
            + "arn:aws:iam::000000000000:role/backbeat-destination";
    public static final String MULTIPART_KEY = "big/multipart.bin";
    public static final String TAG_CHANGE_KEY = "docs/file-000.txt";
    public static final String DELETE_MARKER_KEY = "docs/file-001.txt";

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long[] SIZES = {0, 1 * KIB, 10 * KIB, 64 * KIB, 256 * KIB, 1 * MIB};

    /** What was written, for the summary. */
    public record Result(int objects, int versions, long bytes) {
    }

    private Workload() {
    }

    /** Creates the bucket (versioning + replication to the given sites). */
    public static void createBucket(S3Client s3, String bucket, String destinationBucket, List<String> sites) {
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.putBucketReplication(b -> b.bucket(bucket).replicationConfiguration(c -> c.role(ROLE).rules(r -> r
                .id("to-" + String.join("-and-", sites)).prefix("").status(ReplicationRuleStatus.ENABLED)
                .destination(d -> d.bucket("arn:aws:s3:::" + destinationBucket).storageClass(String.join(",", sites))))));
    }

    /**
     * Writes {@code objects} objects (the last one a multipart upload), overwrites a few, changes the tags of
     * {@link #TAG_CHANGE_KEY} and puts a delete marker on {@link #DELETE_MARKER_KEY}.
     */
    public static Result write(S3Client s3, String bucket, int objects, long seed, Runnable versionWritten,
            Consumer<String> say) {
        if (objects < 3) {
            throw new IllegalArgumentException("the workload needs at least 3 objects, got " + objects);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Long>> writes = new ArrayList<>();
        try {
            for (int i = 0; i < objects - 1; i++) {
                int n = i;
                writes.add(pool.submit(() -> counted(versionWritten, putObject(s3, bucket, n, seed, 1))));
            }
            // a few objects get a second version
            for (int i = 2; i < objects - 1; i += Math.max(1, objects / 5)) {
                int n = i;
                writes.add(pool.submit(() -> counted(versionWritten, putObject(s3, bucket, n, seed, 2))));
            }
            long bytes = 0;
            for (Future<Long> f : writes) {
                bytes += f.get();
            }
            bytes += counted(versionWritten, multipart(s3, bucket, seed));
            say.accept("wrote " + objects + " objects (" + (writes.size() + 1) + " versions, one multipart upload of "
                    + 3 + " parts), " + String.format("%.1f MiB", bytes / (double) MIB));
            s3.putObjectTagging(b -> b.bucket(bucket).key(TAG_CHANGE_KEY)
                    .tagging(t -> t.tagSet(Tag.builder().key("reviewed").value("yes").build(),
                            Tag.builder().key("team").value("sandbox").build())));
            say.accept("changed the tags of " + TAG_CHANGE_KEY + " (metadata-only replication)");
            s3.deleteObject(b -> b.bucket(bucket).key(DELETE_MARKER_KEY));
            versionWritten.run();
            say.accept("deleted " + DELETE_MARKER_KEY + " (a delete marker, replicated as a delete)");
            return new Result(objects, writes.size() + 1, bytes);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("writing the workload failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the workload", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long counted(Runnable versionWritten, long bytes) {
        versionWritten.run();
        return bytes;
    }

    /** Key of object {@code i}: a few "folders", a content type each. */
    static String key(int i) {
        return switch (i % 4) {
            case 0, 1 -> String.format("docs/file-%03d.txt", i);
            case 2 -> String.format("images/img-%03d.png", i);
            default -> String.format("data/part-%03d.bin", i);
        };
    }

    private static String contentType(String key) {
        return key.endsWith(".txt") ? "text/plain" : key.endsWith(".png") ? "image/png" : "application/octet-stream";
    }

    private static long putObject(S3Client s3, String bucket, int i, long seed, int version) {
        String key = key(i);
        Random random = new Random(seed * 31 + i * 7L + version);
        long size = SIZES[random.nextInt(SIZES.length)];
        byte[] data = new byte[(int) size];
        random.nextBytes(data);
        s3.putObject(b -> {
            b.bucket(bucket).key(key).contentType(contentType(key))
                    .metadata(Map.of("origin", "sandbox", "index", Integer.toString(i), "version", Integer.toString(version)));
            if (i % 10 == 3) {
                b.tagging("project=sandbox&size=" + size);
            }
        }, RequestBody.fromBytes(data));
        return size;
    }

    private static long multipart(S3Client s3, String bucket, long seed) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(MULTIPART_KEY)
                .contentType("application/octet-stream").metadata(Map.of("origin", "sandbox", "kind", "multipart")))
                .uploadId();
        long[] partSizes = {5 * MIB, 5 * MIB, 2 * MIB};
        Random random = new Random(seed);
        List<CompletedPart> parts = new ArrayList<>();
        long total = 0;
        for (int p = 0; p < partSizes.length; p++) {
            byte[] data = new byte[(int) partSizes[p]];
            random.nextBytes(data);
            int number = p + 1;
            String etag = s3.uploadPart(b -> b.bucket(bucket).key(MULTIPART_KEY).uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(data)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            total += data.length;
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(MULTIPART_KEY).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
        return total;
    }
}
