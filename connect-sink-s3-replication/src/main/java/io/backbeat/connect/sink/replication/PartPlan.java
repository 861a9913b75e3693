package io.backbeat.connect.sink.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How an object is cut into multipart-upload parts, following Backbeat's plan (MultipleBackendTask
 * {@code _getRangeSize}/{@code _getRanges}): start from the base part size (16 MiB); an object up to that
 * size is one part; otherwise double the part size while there would be more than the target number of
 * parts (1000) and the part is below the cap (512 MiB); then double further while there would still be
 * more than 10,000 parts (S3's limit).
 *
 * @param contentLength object size
 * @param partSize      size of every part but the last
 * @param parts         byte ranges, in order (part number = index + 1)
 */
public record PartPlan(long contentLength, long partSize, List<Range> parts) {

    public static final long MIB = 1024L * 1024L;
    /** S3's upper bound on the number of parts of an upload. */
    public static final int MAX_PARTS = 10_000;
    /** S3's upper bound on the size of an object written by one PUT (5 GiB). */
    public static final long MAX_PUT_BYTES = 5 * 1024 * MIB;

    /** Backbeat's values: 16 MiB base, ≤ 1000 parts while parts stay ≤ 512 MiB. */
    public static final Settings BACKBEAT = new Settings(16 * MIB, 1000, 512 * MIB);

    /**
     * The knobs of the plan.
     *
     * @param basePartSize    starting part size
     * @param targetPartCount the plan doubles the part size while it would produce more parts than this
     * @param maxDoubledPartSize doubling for the target stops at this part size (10,000 parts still win)
     */
    public record Settings(long basePartSize, int targetPartCount, long maxDoubledPartSize) {
        public Settings {
            if (basePartSize <= 0) {
                throw new IllegalArgumentException("part size must be > 0, got " + basePartSize);
            }
            if (targetPartCount < 1 || targetPartCount > MAX_PARTS) {
                throw new IllegalArgumentException("target part count must be within [1, " + MAX_PARTS + "], got "
                        + targetPartCount);
            }
            if (maxDoubledPartSize < basePartSize) {
                throw new IllegalArgumentException("max doubled part size (" + maxDoubledPartSize
                        + ") must be >= the part size (" + basePartSize + ")");
            }
        }
    }

    /** One part: bytes {@code start..end} inclusive. */
    public record Range(int partNumber, long start, long end) {
        public long length() {
            return end - start + 1;
        }

        /** The HTTP Range header value. */
        public String header() {
            return "bytes=" + start + "-" + end;
        }
    }

    /** The plan for an object of {@code contentLength} bytes. */
    public static PartPlan of(long contentLength, Settings settings) {
        if (contentLength < 0) {
            throw new IllegalArgumentException("content length must be >= 0, got " + contentLength);
        }
        if (contentLength == 0) {
            // an empty object still is one (empty) part
            return new PartPlan(0, 0, List.of(new Range(1, 0, -1)));
        }
        long size = partSize(contentLength, settings);
        List<Range> ranges = new ArrayList<>();
        long start = 0;
        int n = 1;
        while (start < contentLength) {
            long end = Math.min(start + size, contentLength) - 1;
            ranges.add(new Range(n++, start, end));
            start = end + 1;
        }
        return new PartPlan(contentLength, size, Collections.unmodifiableList(ranges));
    }

    static long partSize(long contentLength, Settings s) {
        long size = s.basePartSize();
        if (contentLength <= size) {
            return contentLength;
        }
        while (ceilDiv(contentLength, size) > s.targetPartCount() && size < s.maxDoubledPartSize()) {
            size *= 2;
        }
        while (ceilDiv(contentLength, size) > MAX_PARTS) {
            size *= 2;
        }
        return size;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    public int partCount() {
        return parts.size();
    }
}
