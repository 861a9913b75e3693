package io.backbeat.connect.sink.status;

import io.backbeat.connect.model.ObjectMetadata;

/**
 * Read-modify-write of one object version's metadata at the source: reads what is stored now, asks a
 * {@link Change} what to do with it, and writes the result back. Implementations: the CloudServer
 * backbeat route ({@link CloudServerMetadataWriter}) and MongoDB directly ({@link MongoMetadataWriter}).
 */
public interface MetadataWriter extends AutoCloseable {

    /** What a status event does to the metadata as it is stored now. */
    enum Outcome {
        /** The new status was written. */
        APPLIED,
        /**
         * A COMPLETED event whose copy was made from source metadata that has changed since (its fingerprint
         * differs): the replica version was recorded, the site left PENDING for the newer entry. Written.
         */
        SOURCE_CHANGED,
        /** The site is COMPLETED already; COMPLETED is final, nothing written. */
        ALREADY_COMPLETED,
        /** The stored status is already the one of the event (a redelivery), nothing written. */
        UNCHANGED,
        /** The version does not exist (deleted meanwhile, or being deleted), nothing written. */
        VERSION_MISSING
    }

    /**
     * The decision for the stored metadata: write {@code updated} (outcomes {@link Outcome#APPLIED} and
     * {@link Outcome#SOURCE_CHANGED}), or leave it as it is.
     */
    record Decision(Outcome outcome, ObjectMetadata updated) {
        public Decision {
            boolean writing = outcome == Outcome.APPLIED || outcome == Outcome.SOURCE_CHANGED;
            if (writing != (updated != null)) {
                throw new IllegalArgumentException("an APPLIED or SOURCE_CHANGED decision, and only it, carries the "
                        + "metadata to write");
            }
        }

        public static Decision write(ObjectMetadata updated) {
            return new Decision(Outcome.APPLIED, updated);
        }

        /** Whether {@link #updated} is to be written. */
        public boolean writes() {
            return updated != null;
        }

        public static Decision keep(Outcome why) {
            return new Decision(why, null);
        }
    }

    /**
     * Decides what to do with the metadata as stored now; may be called several times for one update (once
     * per read, when a conditional write found the document changed). Throws a
     * {@link io.backbeat.connect.sink.retry.ReplicationFailure} when the event cannot apply to this metadata.
     */
    @FunctionalInterface
    interface Change {
        Decision decide(ObjectMetadata current);
    }

    /**
     * What an update did.
     *
     * @param decision  the decision taken on the version's metadata (as last read)
     * @param conflicts conditional writes that found the document changed since it was read, and were redone
     */
    record Result(Decision decision, int conflicts) {
        public Outcome outcome() {
            return decision.outcome();
        }
    }

    /**
     * Applies {@code change} to the metadata of one version.
     *
     * @param versionId external version id, or null (or "null") for the null version / a non-versioned object
     * @return what was done; {@link Outcome#VERSION_MISSING} when the version does not exist
     * @throws Exception on failure to read or write (the caller classifies and retries)
     */
    Result update(String bucket, String objectKey, String versionId, Change change) throws Exception;

    /** A short name for logs: {@code cloudserver} or {@code mongodb}. */
    String name();

    @Override
    void close();

    /** The result of an update that found no version. */
    static Result missing() {
        return new Result(Decision.keep(Outcome.VERSION_MISSING), 0);
    }
}
