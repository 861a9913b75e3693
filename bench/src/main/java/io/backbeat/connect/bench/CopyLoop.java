package io.backbeat.connect.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.backbeat.connect.sandbox.ReplicationCheck.SourceVersion;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The baseline: a plain AWS SDK loop that GETs each source version and PUTs it to the destination (streamed,
 * one PUT per object), on a fixed number of threads. No Kafka, no metadata, no status: the least any
 * replication must do.
 */
public final class CopyLoop {

    /** What one run copied and how long it took. */
    public record Result(int objects, long bytes, long nanos) {
        public double objectsPerSecond() {
            return objects / (nanos / 1e9);
        }

        public double mibPerSecond() {
            return bytes / 1048576.0 / (nanos / 1e9);
        }
    }

    private CopyLoop() {
    }

    /** A pool of {@code threads} threads named {@code baseline-copy-N}. */
    public static ExecutorService pool(int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> new Thread(r, "baseline-copy-" + n.incrementAndGet()));
    }

    /** Copies on {@code pool} (the caller's, so it can account the threads' CPU time before they end). */
    public static Result copy(S3Client source, String sourceBucket, List<SourceVersion> versions, S3Client destination,
            String destinationBucket, ExecutorService pool) {
        AtomicLong bytes = new AtomicLong();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> copies = new ArrayList<>();
            for (SourceVersion v : versions) {
                copies.add(pool.submit(() -> {
                    try (ResponseInputStream<GetObjectResponse> in = source.getObject(b -> b.bucket(sourceBucket)
                            .key(v.key()).versionId(v.versionId()))) {
                        long length = in.response().contentLength();
                        destination.putObject(b -> b.bucket(destinationBucket).key(v.key())
                                .contentType(in.response().contentType()).metadata(in.response().metadata()),
                                RequestBody.fromInputStream(in, length));
                        bytes.addAndGet(length);
                    }
                    return null;
                }));
            }
            for (Future<?> f : copies) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("baseline copy failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new Result(versions.size(), bytes.get(), System.nanoTime() - t0);
    }
}
