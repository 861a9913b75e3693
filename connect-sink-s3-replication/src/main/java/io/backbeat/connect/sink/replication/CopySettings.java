package io.backbeat.connect.sink.replication;

/**
 * How objects are copied.
 *
 * @param multipartThreshold objects of at least this size go through a multipart upload (Backbeat:
 *                           {@code minMPUSizeMB} 20, i.e. 20,000,000 bytes)
 * @param multipartSources   whether objects that were multipart uploads at the source go through a multipart
 *                           upload whatever their size (Backbeat does)
 * @param partPlan           how multipart copies are cut into parts
 * @param versioningCheckMs  how long a "destination bucket is versioned" answer is trusted
 */
public record CopySettings(long multipartThreshold, boolean multipartSources, PartPlan.Settings partPlan,
                           long versioningCheckMs) {

    public static final CopySettings BACKBEAT = new CopySettings(20_000_000L, true, PartPlan.BACKBEAT, 60_000L);

    public CopySettings {
        if (multipartThreshold < 1) {
            throw new IllegalArgumentException("multipart threshold must be >= 1, got " + multipartThreshold);
        }
    }
}
