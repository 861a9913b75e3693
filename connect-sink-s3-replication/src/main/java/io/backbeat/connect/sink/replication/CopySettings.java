package io.backbeat.connect.sink.replication;

/**
 * How objects are copied.
 *
 * @param multipartThreshold objects of at least this size go through a multipart upload
 * @param multipartSources   whether objects that were multipart uploads at the source go through a multipart
 *                           upload whatever their size (Backbeat does)
 * @param partPlan           how multipart copies are cut into parts
 * @param versioningCheckMs  how long a "destination bucket is versioned" answer is trusted
 */
public record CopySettings(long multipartThreshold, boolean multipartSources, PartPlan.Settings partPlan,
                           long versioningCheckMs) {

    /**
     * The defaults: one PUT below 200 MiB (rclone's upload cutoff) however the source was uploaded, Backbeat's part
     * plan above. Under load many objects are in flight at once, so parts add requests (a create, a GET and a PUT
     * per part, a complete) without adding parallelism; measured in docs/benchmarks.md. Backbeat's own values
     * ({@code minMPUSizeMB} 20, i.e. 20,000,000 bytes, and every multipart source in parts) stay one setting away.
     */
    public static final CopySettings DEFAULTS = new CopySettings(200 * PartPlan.MIB, false, PartPlan.BACKBEAT,
            60_000L);

    public CopySettings {
        if (multipartThreshold < 1) {
            throw new IllegalArgumentException("multipart threshold must be >= 1, got " + multipartThreshold);
        }
    }
}
