package io.backbeat.connect.sink.tagging;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.sink.retry.ReplicationFailure;

/**
 * What the tagger did with one log entry.
 *
 * @param entry   the entry
 * @param result  tagged, already tagged, skipped or failed
 * @param detail  why (skips, already tagged) or what was written (tagged); for logs and tests
 * @param failure the classified failure of a FAILED outcome, else null
 * @param retries retries the S3 calls of this entry needed
 */
public record TaggingOutcome(LogEntry entry, Result result, String detail, ReplicationFailure failure, int retries) {

    /** The four things that can become of an entry. */
    public enum Result {
        /** PutObjectTagging was called: the version now carries the configured tags. */
        TAGGED,
        /** The version already carried every configured tag: nothing was written. */
        ALREADY_TAGGED,
        /** Not a taggable object version (bucket entry, delete, delete marker, version gone, ...). */
        SKIPPED,
        /** The tags could not be put (after retries, or a final error). */
        FAILED
    }

    public boolean isFailed() {
        return result == Result.FAILED;
    }
}
