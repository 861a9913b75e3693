package io.backbeat.connect.sink.failed;

import java.util.Objects;

/**
 * One failed replication in the Redis store: which object version failed for which site, and when.
 *
 * @param site        destination site (Backbeat's storage class of the site)
 * @param bucket      source bucket
 * @param key         object key
 * @param versionId   external (encoded) version id; empty for a non-versioned object, as in Backbeat
 * @param failedAtMs  score of the member: epoch ms of the failure
 */
public record FailedEntry(String site, String bucket, String key, String versionId, long failedAtMs) {

    public FailedEntry {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        versionId = versionId == null ? "" : versionId;
        if (site.isEmpty() || bucket.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("site, bucket and key must not be empty: " + site + "/" + bucket
                    + "/" + key);
        }
        if (bucket.contains(":")) {
            throw new IllegalArgumentException("bucket name cannot contain ':' : " + bucket);
        }
        if (versionId.contains(":")) {
            throw new IllegalArgumentException("version id cannot contain ':' : " + versionId);
        }
    }

    /** The sorted-set member, Backbeat's {@code <bucket>:<key>:<encodedVersionId>}. */
    public String member() {
        return member(bucket, key, versionId);
    }

    static String member(String bucket, String key, String versionId) {
        return bucket + ":" + key + ":" + (versionId == null ? "" : versionId);
    }

    /**
     * Parses a member back. Bucket names and version ids never contain ':', object keys may: the first
     * ':' ends the bucket, the last one starts the version id.
     */
    public static FailedEntry parse(String site, String member, long failedAtMs) {
        int first = member.indexOf(':');
        int last = member.lastIndexOf(':');
        if (first <= 0 || last <= first) {
            throw new IllegalArgumentException("not a failed-entry member <bucket>:<key>:<versionId>: " + member);
        }
        return new FailedEntry(site, member.substring(0, first), member.substring(first + 1, last),
                member.substring(last + 1), failedAtMs);
    }
}
