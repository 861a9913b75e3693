package io.backbeat.connect.sink.tagging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.sink.retry.ErrorClassifier;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.Side;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * Puts a fixed set of tags on the object version of a log entry, through the source site's S3 API
 * (GetObjectTagging, then PutObjectTagging with the version id), keeping the tags the version already has.
 *
 * <p>Idempotent: a version that already carries every configured tag is not written. This is also what keeps
 * the extension from looping: its own PutObjectTagging is a metadata change, which comes back through the
 * journal as a new entry of the same object; that entry carries the tags, so nothing is written for it.
 *
 * <p>Never throws for a bad or failing entry: the failure becomes a FAILED outcome.
 */
public final class ObjectTagger {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectTagger.class);

    private final S3Client s3;
    private final Map<String, String> tags;
    private final Retrier retrier;

    /**
     * @param s3      client of the source site
     * @param tags    the tags to put (1 to 10)
     * @param retrier the sink's retry policy
     */
    public ObjectTagger(S3Client s3, Map<String, String> tags, Retrier retrier) {
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("no tags to put");
        }
        this.s3 = s3;
        this.tags = Map.copyOf(tags);
        this.retrier = retrier;
    }

    public Map<String, String> tags() {
        return tags;
    }

    /** Tags the version of {@code entry}, or says why not. */
    public TaggingOutcome tag(LogEntry entry) {
        AtomicInteger retries = new AtomicInteger();
        try {
            String skip = reasonToSkip(entry);
            if (skip != null) {
                return outcome(entry, TaggingOutcome.Result.SKIPPED, skip, null, retries);
            }
            // the entry's own metadata first: an entry written by our own tagging needs no S3 call at all
            if (carriesAll(entry.objectMetadata().tags())) {
                return outcome(entry, TaggingOutcome.Result.ALREADY_TAGGED, "the entry's metadata carries the tags",
                        null, retries);
            }
            String where = describe(entry);
            Map<String, String> current;
            try {
                current = retrier.call("get tags of " + where, Side.SOURCE, () -> currentTags(entry), retries);
            } catch (ReplicationFailure f) {
                if (f.reason().equals(Side.SOURCE.prefix() + "ObjectNotFound")) {
                    // deleted after this entry was written: a later entry of the object says so
                    return outcome(entry, TaggingOutcome.Result.SKIPPED, "the version no longer exists at the source",
                            null, retries);
                }
                throw f;
            }
            if (carriesAll(current)) {
                return outcome(entry, TaggingOutcome.Result.ALREADY_TAGGED, "the version carries the tags", null,
                        retries);
            }
            Map<String, String> merged = new LinkedHashMap<>(current);
            merged.putAll(tags);
            if (merged.size() > ObjectTaggingSinkConfig.MAX_TAGS) {
                throw ReplicationFailure.permanent("SrcTooManyTags", Side.SOURCE, where + " has " + current.size()
                        + " tags " + current.keySet() + "; with " + tags.keySet() + " it would have " + merged.size()
                        + ", S3 allows at most " + ObjectTaggingSinkConfig.MAX_TAGS);
            }
            try {
                retrier.run("put tags on " + where, Side.SOURCE, () -> s3.putObjectTagging(r -> r
                        .bucket(entry.bucket()).key(entry.objectKey()).versionId(entry.versionId())
                        .tagging(tagging(merged))), retries);
            } catch (ReplicationFailure f) {
                // the classifier names a denied source call after reads; here the write was denied
                if (f.reason().equals("SrcGetObjectNotPermitted")) {
                    throw new ReplicationFailure("SrcPutObjectTaggingNotPermitted", false, Side.SOURCE,
                            f.getMessage(), f);
                }
                throw f;
            }
            return outcome(entry, TaggingOutcome.Result.TAGGED, "tags now " + merged, null, retries);
        } catch (RuntimeException e) {
            ReplicationFailure failure = ErrorClassifier.classify(e, Side.SOURCE);
            return outcome(entry, TaggingOutcome.Result.FAILED, failure.toString(), failure, retries);
        }
    }

    /**
     * Why the entry is not a version to tag, or null when it is. Deletes, delete markers and versions being
     * deleted have nothing to tag (S3 refuses tags on a delete marker); a versioned object's master repeats
     * the change its version entry carries.
     */
    private static String reasonToSkip(LogEntry entry) {
        if (!entry.isObject()) {
            return "bucket entry";
        }
        if (entry.type() == LogEntry.Type.DELETE) {
            return "the version was deleted";
        }
        ObjectMetadata md = entry.objectMetadata();
        if (md.isPhd()) {
            return "placeholder master (isPHD)";
        }
        if (md.isDeleteMarker()) {
            return "delete marker";
        }
        if (md.isDeleted()) {
            return "the version is being deleted";
        }
        if (entry.metadataKey().isMaster() && entry.versionId() != null && !md.isNull()) {
            return "master of a versioned object (its version entry carries the same change)";
        }
        return null;
    }

    private boolean carriesAll(Map<String, String> existing) {
        for (Map.Entry<String, String> t : tags.entrySet()) {
            if (!t.getValue().equals(existing.get(t.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private Map<String, String> currentTags(LogEntry entry) {
        Map<String, String> current = new LinkedHashMap<>();
        for (Tag t : s3.getObjectTagging(r -> r.bucket(entry.bucket()).key(entry.objectKey())
                .versionId(entry.versionId())).tagSet()) {
            current.put(t.key(), t.value());
        }
        return current;
    }

    private static Tagging tagging(Map<String, String> tags) {
        List<Tag> set = new ArrayList<>(tags.size());
        tags.forEach((k, v) -> set.add(Tag.builder().key(k).value(v).build()));
        return Tagging.builder().tagSet(set).build();
    }

    private static String describe(LogEntry entry) {
        return entry.bucket() + "/" + entry.objectKey()
                + (entry.versionId() == null ? " (no version)" : " version " + entry.versionId());
    }

    private static TaggingOutcome outcome(LogEntry entry, TaggingOutcome.Result result, String detail,
                                          ReplicationFailure failure, AtomicInteger retries) {
        // failures are logged at ERROR by the caller, which knows the record
        if (result == TaggingOutcome.Result.TAGGED) {
            LOG.info("{}: {}", describe(entry), detail);
        } else {
            LOG.debug("{}: {}: {}", entry, result, detail);
        }
        return new TaggingOutcome(entry, result, detail, failure, retries.get());
    }
}
