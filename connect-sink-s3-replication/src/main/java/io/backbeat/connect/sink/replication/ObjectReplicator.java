package io.backbeat.connect.sink.replication;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.sink.s3.S3ClientFactory;
import io.backbeat.connect.sink.retry.ErrorClassifier;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.Side;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * Copies one object version from the source site to a destination bucket: data (single PUT or multipart
 * upload with concurrent parts, streamed), delete markers (a delete on the destination), or tags only.
 *
 * <p>Every S3 call runs under the retry policy; the side of a failure (source GET or destination write)
 * decides its reason code.
 */
public final class ObjectReplicator {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectReplicator.class);

    /** User-metadata names (without {@code x-amz-meta-}) that mark a replica, as CloudServer/Backbeat do. */
    public static final String REPLICATION_STATUS_META = "scal-replication-status";
    public static final String SOURCE_VERSION_META = "scal-version-id";
    public static final String REPLICA = "REPLICA";

    /** Reads from the source's socket gathered to this size (bodies larger than it only). */
    private static final int SOURCE_READ_BYTES = 64 * 1024;

    private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern HEADER_SAFE_TAG = Pattern.compile("[A-Za-z0-9_.~-]*");

    /** What was done on the destination. */
    public enum Action {
        DATA_COPIED, DELETE_REPLICATED, TAGS_UPDATED,
        /** The destination's latest version already was this version's replica: nothing written. */
        REPLICA_FOUND
    }

    /**
     * @param destinationVersionId version created (or updated) on the destination
     * @param bytes                data bytes written (0 for deletes and tag updates)
     * @param parts                parts of the multipart upload, 0 for a single PUT
     */
    public record Result(Action action, String destinationVersionId, long bytes, int parts) {
    }

    private final S3Client source;
    private final S3Client destination;
    private final ExecutorService partExecutor;
    private final Retrier retrier;
    private final CopySettings settings;
    private final Map<String, Long> versionedBuckets = new ConcurrentHashMap<>();
    private final SiteStats stats;
    private final AtomicBoolean replicaCheckDenied = new AtomicBoolean();

    public ObjectReplicator(S3Client source, S3Client destination, ExecutorService partExecutor, Retrier retrier,
                            CopySettings settings) {
        this(source, destination, partExecutor, retrier, settings, null);
    }

    /** @param stats where copy progress (per part) is reported; null for none */
    public ObjectReplicator(S3Client source, S3Client destination, ExecutorService partExecutor, Retrier retrier,
                            CopySettings settings, SiteStats stats) {
        this.source = source;
        this.destination = destination;
        this.partExecutor = partExecutor;
        this.retrier = retrier;
        this.settings = settings;
        this.stats = stats;
    }

    /**
     * Replicates the version described by {@code md} (the entry's current metadata) to {@code bucket}.
     *
     * @param knownDestinationVersionId the replica already recorded for the site, or null
     * @param lookForReplica whether to look at the destination first: when its latest version of the key is
     *                       already this version's replica, the data is not copied again
     * @param retries counts the retries made
     */
    public Result replicate(LogEntry entry, ObjectMetadata md, String bucket, String knownDestinationVersionId,
                            boolean lookForReplica, AtomicInteger retries) {
        ensureVersioned(bucket, retries);
        if (md.isDeleteMarker()) {
            return replicateDeleteMarker(entry, bucket, retries);
        }
        List<String> content = md.replicationInfo().content();
        boolean metadataOnly = !content.isEmpty() && !content.contains("DATA");
        if (metadataOnly && knownDestinationVersionId != null && !knownDestinationVersionId.isEmpty()) {
            try {
                return updateTags(entry, md, bucket, knownDestinationVersionId, retries);
            } catch (ReplicationFailure f) {
                if (!"DstObjectNotFound".equals(f.reason())) {
                    throw f;
                }
                LOG.warn("{}: replica version {} is gone from {}, copying the object again", entry,
                        knownDestinationVersionId, bucket);
            }
        } else if (metadataOnly) {
            LOG.info("{}: metadata-only change but no replica version known for the site: copying the object",
                    entry);
        }
        if (lookForReplica && !metadataOnly) {
            String replica = latestReplicaOf(entry, md, bucket, retries);
            if (replica != null) {
                return new Result(Action.REPLICA_FOUND, replica, 0, 0);
            }
        }
        return copyData(entry, md, bucket, retries);
    }

    /**
     * The destination's latest version of the key when it is a replica of this source version (replica marks,
     * same size), else null. A replica is written whole or not at all (a PUT, or a completed multipart
     * upload), so its existence means the copy was done; older versions are not looked at: a later version of
     * the key replicated since is redelivered after this entry and copied again either way.
     */
    private String latestReplicaOf(LogEntry entry, ObjectMetadata md, String bucket, AtomicInteger retries) {
        return retrier.call("look for a replica of " + entry.bucket() + "/" + entry.objectKey() + " in " + bucket,
                Side.DESTINATION, () -> headReplica(entry, md, bucket), retries);
    }

    /** One look for the replica ({@link #latestReplicaOf}), without retries: failures are thrown. */
    private String headReplica(LogEntry entry, ObjectMetadata md, String bucket) {
        HeadObjectResponse head;
        try {
            head = destination.headObject(h -> h.bucket(bucket).key(entry.objectKey()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null; // no such key, or its latest version is a delete marker
            }
            if (e.statusCode() == 403) {
                // credentials that may write but not read: the check is lost, not the copy
                if (replicaCheckDenied.compareAndSet(false, true)) {
                    LOG.warn("{}: the destination refuses HEAD on {} (403): redelivered entries are copied again; "
                            + "grant s3:GetObject on the destination bucket for the replica check", entry, bucket);
                }
                return null;
            }
            throw e;
        }
        String sourceVersion = entry.versionId() == null ? "null" : entry.versionId();
        boolean replica = REPLICA.equals(head.metadata().get(REPLICATION_STATUS_META))
                && sourceVersion.equals(head.metadata().get(SOURCE_VERSION_META))
                && head.contentLength() != null && head.contentLength() == md.contentLength();
        return replica ? head.versionId() : null;
    }

    /**
     * On a retry of the request that stores the replica (a PUT, or a multipart Complete): the replica the failed
     * attempt stored when only its answer was lost (a connection cut after the server wrote it), else null.
     * Looked up before sending again, so that a lost answer never becomes a second copy.
     */
    private String storedByEarlierAttempt(AtomicInteger attempts, LogEntry entry, ObjectMetadata md, String bucket) {
        if (attempts.getAndIncrement() == 0) {
            return null;
        }
        String stored = headReplica(entry, md, bucket);
        if (stored != null) {
            LOG.info("{}: the previous attempt's copy reached {} (version {}): not sent again", entry, bucket,
                    stored);
        }
        return stored;
    }

    // ---- destination checks ----

    void ensureVersioned(String bucket, AtomicInteger retries) {
        Long checked = versionedBuckets.get(bucket);
        long now = System.currentTimeMillis();
        if (checked != null && now - checked < settings.versioningCheckMs()) {
            return;
        }
        BucketVersioningStatus status = retrier.call("get versioning of destination bucket " + bucket,
                Side.DESTINATION, () -> destination.getBucketVersioning(b -> b.bucket(bucket)).status(), retries);
        if (status != BucketVersioningStatus.ENABLED) {
            versionedBuckets.remove(bucket);
            throw ReplicationFailure.permanent("DstBucketUnversioned", Side.DESTINATION,
                    "destination bucket " + bucket + " does not have versioning enabled (status: "
                            + (status == null ? "never enabled" : status) + ")");
        }
        versionedBuckets.put(bucket, now);
    }

    // ---- delete markers and tags ----

    private Result replicateDeleteMarker(LogEntry entry, String bucket, AtomicInteger retries) {
        String versionId = retrier.call("delete " + bucket + "/" + entry.objectKey() + " (delete marker)",
                Side.DESTINATION, () -> destination.deleteObject(d -> d.bucket(bucket).key(entry.objectKey()))
                        .versionId(), retries);
        return new Result(Action.DELETE_REPLICATED, versionId, 0, 0);
    }

    private Result updateTags(LogEntry entry, ObjectMetadata md, String bucket, String versionId,
                              AtomicInteger retries) {
        Map<String, String> tags = md.tags();
        if (tags.isEmpty()) {
            retrier.run("delete tags of " + bucket + "/" + entry.objectKey() + " version " + versionId,
                    Side.DESTINATION, () -> destination.deleteObjectTagging(d -> d.bucket(bucket)
                            .key(entry.objectKey()).versionId(versionId)), retries);
        } else {
            retrier.run("put tags of " + bucket + "/" + entry.objectKey() + " version " + versionId,
                    Side.DESTINATION, () -> destination.putObjectTagging(p -> p.bucket(bucket)
                            .key(entry.objectKey()).versionId(versionId).tagging(tagging(tags))), retries);
        }
        return new Result(Action.TAGS_UPDATED, versionId, 0, 0);
    }

    // ---- data ----

    private Result copyData(LogEntry entry, ObjectMetadata md, String bucket, AtomicInteger retries) {
        long size = md.contentLength();
        if (stats != null) {
            stats.objectStarted(entry, size);
        }
        if (size > 0 && (size >= settings.multipartThreshold()
                || settings.multipartSources() && md.multipartPartCount() > 0)) {
            return copyMultipart(entry, md, bucket, retries);
        }
        return copySingle(entry, md, bucket, retries);
    }

    private Result copySingle(LogEntry entry, ObjectMetadata md, String bucket, AtomicInteger retries) {
        long size = md.contentLength();
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(entry.objectKey())
                .contentLength(size)
                .contentType(md.contentType())
                .cacheControl(blankToNull(md.cacheControl()))
                .contentDisposition(blankToNull(md.contentDisposition()))
                .contentEncoding(blankToNull(md.contentEncoding()))
                .contentLanguage(blankToNull(md.contentLanguage()))
                .expires(expires(entry, md))
                .metadata(replicaMetadata(entry, md));
        boolean tagsInHeader = tagsFitHeader(md.tags());
        if (tagsInHeader) {
            put.tagging(tagging(md.tags()));
        }
        String md5 = md.contentMd5();
        if (md5 != null && PLAIN_MD5.matcher(md5).matches()) {
            // the destination checks the bytes it got against the source's MD5: a copy is exact or fails
            put.contentMD5(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(md5)));
        }
        PutObjectRequest request = put.build();
        String what = "copy " + entry.bucket() + "/" + entry.objectKey() + " (" + size + " bytes) to " + bucket;
        AtomicInteger attempts = new AtomicInteger();
        String versionId = retrier.call(what, Side.DESTINATION, () -> {
            String stored = storedByEarlierAttempt(attempts, entry, md, bucket);
            if (stored != null) {
                return stored;
            }
            if (size == 0) {
                return destination.putObject(request.toBuilder()
                        .overrideConfiguration(o -> o.addPlugin(S3ClientFactory.UNCHUNKED_PAYLOAD)).build(),
                        RequestBody.empty()).versionId();
            }
            SourceBody body = new SourceBody(entry, null, size);
            try {
                return destination.putObject(request, RequestBody.fromContentProvider(body, size,
                        md.contentType() == null ? "binary/octet-stream" : md.contentType())).versionId();
            } catch (RuntimeException e) {
                throw body.blame(e);
            } finally {
                body.close();
            }
        }, retries);
        requireVersion(versionId, bucket);
        if (!tagsInHeader && !md.tags().isEmpty()) {
            updateTags(entry, md, bucket, versionId, retries);
        }
        if (stats != null) {
            stats.objectBytes(entry, size);
        }
        return new Result(Action.DATA_COPIED, versionId, size, 0);
    }

    private Result copyMultipart(LogEntry entry, ObjectMetadata md, String bucket, AtomicInteger retries) {
        long size = md.contentLength();
        PartPlan plan = PartPlan.of(size, settings.partPlan());
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket)
                .key(entry.objectKey())
                .contentType(md.contentType())
                .cacheControl(blankToNull(md.cacheControl()))
                .contentDisposition(blankToNull(md.contentDisposition()))
                .contentEncoding(blankToNull(md.contentEncoding()))
                .contentLanguage(blankToNull(md.contentLanguage()))
                .expires(expires(entry, md))
                .metadata(replicaMetadata(entry, md));
        boolean tagsInHeader = tagsFitHeader(md.tags());
        if (tagsInHeader) {
            create.tagging(tagging(md.tags()));
        }
        CreateMultipartUploadRequest createRequest = create.build();
        String key = entry.objectKey();
        String uploadId = retrier.call("start multipart upload of " + bucket + "/" + key, Side.DESTINATION,
                () -> destination.createMultipartUpload(createRequest).uploadId(), retries);
        LOG.debug("{}: multipart copy to {} in {} parts of {} bytes, upload {}", entry, bucket, plan.partCount(),
                plan.partSize(), uploadId);
        List<Future<CompletedPart>> futures = new ArrayList<>(plan.partCount());
        try {
            for (PartPlan.Range range : plan.parts()) {
                futures.add(partExecutor.submit(() -> copyPart(entry, bucket, uploadId, range, retries)));
            }
            List<CompletedPart> parts = new ArrayList<>(futures.size());
            for (Future<CompletedPart> f : futures) {
                parts.add(await(f));
            }
            AtomicInteger attempts = new AtomicInteger();
            String versionId = retrier.call("complete multipart upload of " + bucket + "/" + key, Side.DESTINATION,
                    () -> {
                        // a Complete whose answer was lost finished the upload: sent again it would be NoSuchUpload
                        String stored = storedByEarlierAttempt(attempts, entry, md, bucket);
                        if (stored != null) {
                            return stored;
                        }
                        return destination.completeMultipartUpload(c -> c.bucket(bucket).key(key).uploadId(uploadId)
                                .multipartUpload(m -> m.parts(parts))).versionId();
                    }, retries);
            requireVersion(versionId, bucket);
            if (!tagsInHeader && !md.tags().isEmpty()) {
                updateTags(entry, md, bucket, versionId, retries);
            }
            return new Result(Action.DATA_COPIED, versionId, size, plan.partCount());
        } catch (RuntimeException | Error e) {
            for (Future<CompletedPart> f : futures) {
                f.cancel(true);
            }
            abort(bucket, key, uploadId, e);
            throw e;
        }
    }

    private CompletedPart copyPart(LogEntry entry, String bucket, String uploadId, PartPlan.Range range,
                                   AtomicInteger retries) {
        String what = "copy part " + range.partNumber() + " (" + range.header() + ") of " + entry.bucket() + "/"
                + entry.objectKey() + " to " + bucket;
        return retrier.call(what, Side.DESTINATION, () -> {
            SourceBody body = new SourceBody(entry, range, range.length());
            try {
                String etag = destination.uploadPart(u -> u.bucket(bucket).key(entry.objectKey()).uploadId(uploadId)
                                .partNumber(range.partNumber()).contentLength(range.length()),
                        RequestBody.fromContentProvider(body, range.length(), "application/octet-stream")).eTag();
                if (stats != null) {
                    stats.objectBytes(entry, range.length());
                }
                return CompletedPart.builder().partNumber(range.partNumber()).eTag(etag).build();
            } catch (RuntimeException e) {
                throw body.blame(e);
            } finally {
                body.close();
            }
        }, retries);
    }

    private static CompletedPart await(Future<CompletedPart> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ReplicationFailure.interrupted(Side.DESTINATION, "multipart copy interrupted", e);
        } catch (CancellationException e) {
            throw ReplicationFailure.interrupted(Side.DESTINATION, "part copy cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ReplicationFailure rf) {
                throw rf;
            }
            throw ErrorClassifier.classify(cause, Side.DESTINATION);
        }
    }

    private void abort(String bucket, String key, String uploadId, Throwable why) {
        try {
            destination.abortMultipartUpload(a -> a.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException e) {
            // the upload stays until the bucket's lifecycle cleans it; say so, the copy itself already failed
            LOG.warn("could not abort multipart upload {} of {}/{} after failure ({}): {}", uploadId, bucket, key,
                    why.toString(), e.toString());
        }
    }

    private static void requireVersion(String versionId, String bucket) {
        if (versionId == null || versionId.isEmpty() || "null".equals(versionId)) {
            throw ReplicationFailure.permanent("DstBucketUnversioned", Side.DESTINATION,
                    "destination bucket " + bucket + " returned no version id: versioning is not enabled");
        }
    }

    // ---- request parts ----

    static Map<String, String> replicaMetadata(LogEntry entry, ObjectMetadata md) {
        Map<String, String> meta = new LinkedHashMap<>(md.userMetadataWithoutPrefix());
        meta.put(REPLICATION_STATUS_META, REPLICA);
        meta.put(SOURCE_VERSION_META, entry.versionId() == null ? "null" : entry.versionId());
        return meta;
    }

    /**
     * Whether tags can travel in the {@code x-amz-tagging} header of the write itself. Only when no character
     * needs URL-encoding: S3 servers differ in decoding that header (S3Mock keeps {@code %24} for {@code $}),
     * while the PutObjectTagging XML body is unambiguous, so such tags are put right after the write.
     */
    static boolean tagsFitHeader(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (!HEADER_SAFE_TAG.matcher(tag.getKey()).matches() || !HEADER_SAFE_TAG.matcher(tag.getValue()).matches()) {
                return false;
            }
        }
        return true;
    }

    static Tagging tagging(Map<String, String> tags) {
        List<Tag> set = new ArrayList<>(tags.size());
        tags.forEach((k, v) -> set.add(Tag.builder().key(k).value(v).build()));
        return Tagging.builder().tagSet(set).build();
    }

    private static Instant expires(LogEntry entry, ObjectMetadata md) {
        String value = blankToNull(md.expires());
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e2) {
                LOG.warn("{}: source Expires header '{}' is not a date; the replica gets no Expires", entry, value);
                return null;
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * The request body of a destination write: a source GET opened each time the SDK asks for the stream (so
     * a body can be re-sent without buffering), with the bytes counted so a short or failed read is blamed on
     * the source, not the destination.
     */
    private final class SourceBody implements ContentStreamProvider, AutoCloseable {
        private final LogEntry entry;
        private final PartPlan.Range range;
        private final long expected;
        private ResponseInputStream<GetObjectResponse> current;
        private CountingStream counting;
        private volatile Throwable sourceError;

        SourceBody(LogEntry entry, PartPlan.Range range, long expected) {
            this.entry = entry;
            this.range = range;
            this.expected = expected;
        }

        @Override
        public InputStream newStream() {
            close();
            GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(entry.bucket()).key(entry.objectKey());
            if (entry.versionId() != null) {
                get.versionId(entry.versionId());
            }
            if (range != null) {
                get.range(range.header());
            }
            try {
                current = source.getObject(get.build());
            } catch (RuntimeException e) {
                sourceError = e;
                throw e;
            }
            Long length = current.response().contentLength();
            if (length != null && length != expected) {
                IllegalStateException e = new IllegalStateException("source " + entry.bucket() + "/"
                        + entry.objectKey() + " version " + entry.versionId() + " has " + length + " bytes"
                        + (range == null ? "" : " in " + range.header()) + ", its metadata says " + expected);
                sourceError = ReplicationFailure.permanent("SrcObjectSizeMismatch", Side.SOURCE, e.getMessage());
                throw e;
            }
            // HttpClient reads a body 4 KiB at a time, each read a receive from the source's socket of its own
            counting = new CountingStream(expected > SOURCE_READ_BYTES
                    ? new BufferedInputStream(current, SOURCE_READ_BYTES) : current);
            return counting;
        }

        /** The failure to report for an exception thrown by the destination call. */
        ReplicationFailure blame(RuntimeException e) {
            Throwable src = sourceError;
            if (src != null) {
                return ErrorClassifier.classify(src, Side.SOURCE);
            }
            return ErrorClassifier.classify(e, Side.DESTINATION);
        }

        @Override
        public void close() {
            ResponseInputStream<GetObjectResponse> c = current;
            boolean fullyRead = counting != null && counting.count == expected;
            current = null;
            counting = null;
            if (c != null) {
                try {
                    if (!fullyRead) {
                        // an unread rest would have to be drained to reuse the connection: drop it instead
                        c.abort();
                    }
                    c.close();
                } catch (IOException | RuntimeException ignored) {
                    // closing an aborted source stream: nothing left to release
                }
            }
        }

        private final class CountingStream extends FilterInputStream {
            private long count;

            CountingStream(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                try {
                    int b = super.read();
                    if (b < 0) {
                        checkEnd();
                    } else {
                        count++;
                    }
                    return b;
                } catch (IOException e) {
                    sourceError = e;
                    throw e;
                }
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                try {
                    int n = super.read(buf, off, len);
                    if (n < 0) {
                        checkEnd();
                    } else {
                        count += n;
                    }
                    return n;
                } catch (IOException e) {
                    sourceError = e;
                    throw e;
                }
            }

            private void checkEnd() throws IOException {
                if (count != expected) {
                    throw new IOException("source stream of " + entry.bucket() + "/" + entry.objectKey()
                            + " ended after " + count + " of " + expected + " bytes");
                }
            }
        }
    }
}
