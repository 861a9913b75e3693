package io.backbeat.connect.sink.replication;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationBackend;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sink.retry.ErrorClassifier;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.Side;

/**
 * Handles one log entry for one site: re-reads the source metadata, decides whether there is work
 * (skips versions gone, replicas, sites already COMPLETED), replicates, and says which status event to
 * publish. Never throws for a bad or failing entry: the failure becomes a FAILED outcome.
 */
public final class EntryProcessor implements EntryHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EntryProcessor.class);
    /** Copy failures that mean the source changed since the entry: a carried metadata is re-read then. */
    private static final Set<String> SOURCE_CHANGED = Set.of("SrcObjectNotFound", "SrcObjectSizeMismatch",
            "BadDigest");

    private final String site;
    private final String configuredBucket;
    private final SourceMetadataReader reader;
    private final ObjectReplicator replicator;
    private final Retrier retrier;
    private final boolean rereadAlways;
    private final ReplicaCheck replicaCheck;

    /**
     * @param site             the destination site this task replicates to
     * @param configuredBucket destination bucket; null or empty to take it from {@code replicationInfo.destination}
     */
    public EntryProcessor(String site, String configuredBucket, SourceMetadataReader reader,
                          ObjectReplicator replicator, Retrier retrier) {
        this(site, configuredBucket, reader, replicator, retrier, true, ReplicaCheck.REDELIVERIES);
    }

    /**
     * @param rereadAlways whether every entry's metadata is re-read (Backbeat's way); false: only suspect entries,
     *                     metadata-only changes and copies that find the source changed ({@link #process})
     * @param replicaCheck when to look for an existing replica at the destination
     */
    public EntryProcessor(String site, String configuredBucket, SourceMetadataReader reader,
                          ObjectReplicator replicator, Retrier retrier, boolean rereadAlways,
                          ReplicaCheck replicaCheck) {
        this.rereadAlways = rereadAlways;
        this.replicaCheck = replicaCheck;
        this.site = site;
        this.configuredBucket = configuredBucket == null || configuredBucket.isBlank() ? null : configuredBucket;
        this.reader = reader;
        this.replicator = replicator;
        this.retrier = retrier;
    }

    @Override
    public String site() {
        return site;
    }

    @Override
    public EntryOutcome process(LogEntry entry, boolean suspect) {
        if (!entry.isObject()) {
            return skip(entry, "bucket entry (not an object version)");
        }
        if (entry.type() != LogEntry.Type.PUT) {
            return skip(entry, "version delete (not replicated, as in Backbeat)");
        }
        AtomicInteger retries = new AtomicInteger();
        boolean carried = false;
        try {
            Optional<ObjectMetadata> current = carriedMetadata(entry, suspect);
            carried = current.isPresent();
            if (!carried) {
                current = retrier.call("read source metadata of " + entry + " via " + reader.name(),
                        Side.SOURCE_METADATA, () -> reader.read(entry), retries);
            }
            if (current.isEmpty()) {
                return skip(entry, "source version no longer exists");
            }
            ObjectMetadata md = current.get();
            if (md.isPhd()) {
                return skip(entry, "placeholder master (isPHD)");
            }
            ReplicationInfo info = md.replicationInfo();
            if (info.status() == ReplicationStatus.REPLICA) {
                return skip(entry, "the version is itself a replica");
            }
            Optional<ReplicationBackend> backend = info.backend(site);
            if (backend.isEmpty() && !info.storageClassSites().contains(site)) {
                return skip(entry, "site " + site + " is not a target of this version");
            }
            if (backend.map(b -> b.status() == ReplicationStatus.COMPLETED).orElse(false)) {
                return skip(entry, "already COMPLETED for site " + site);
            }
            String bucket = configuredBucket != null ? configuredBucket : info.destinationBucket();
            if (bucket == null || bucket.isEmpty()) {
                throw ReplicationFailure.permanent("DstBucketNotConfigured", Side.DESTINATION,
                        "no destination bucket: neither destination.bucket nor replicationInfo.destination is set");
            }
            String known = backend.map(ReplicationBackend::dataStoreVersionId).orElse(null);
            ObjectReplicator.Result result = replicator.replicate(entry, md, bucket, known, replicaCheck.lookUp(suspect),
                    retries);
            if (result.action() == ObjectReplicator.Action.REPLICA_FOUND) {
                LOG.info("{}: already replicated to site {} (replica version {} in {}, found by the replica "
                        + "check): not copied again", entry, site, result.destinationVersionId(), bucket);
            }
            StatusEvent event = new StatusEvent(entry.bucket(), entry.objectKey(), entry.versionId(), site,
                    ReplicationStatus.COMPLETED, result.destinationVersionId(), null, retries.get() + 1,
                    entry.operationTimeMs(), System.currentTimeMillis(), result.bytes(),
                    // what was copied: the status sink completes the site only if the source still looks like this
                    md.replicationFingerprint());
            LOG.debug("{}: {} to site {} ({} bytes, destination version {}, {} retries)", entry, result.action(),
                    site, result.bytes(), result.destinationVersionId(), retries.get());
            return new EntryOutcome(entry, event, null, null, result);
        } catch (RuntimeException e) {
            ReplicationFailure failure = ErrorClassifier.classify(e, Side.DESTINATION);
            if (carried && SOURCE_CHANGED.contains(failure.reason())) {
                // the version changed or went away since the entry was journaled: do it the careful way
                LOG.info("{}: the source no longer matches the entry ({}): re-reading its metadata", entry,
                        failure.reason());
                return process(entry, true);
            }
            if (failure.isInterruption()) {
                LOG.info("{}: replication to site {} abandoned, the task is stopping (the entry is not committed: "
                        + "the task that takes its partition replicates it): {}", entry, site, failure.getMessage());
                return EntryOutcome.abandoned(entry, failure);
            }
            LOG.error("{}: replication to site {} FAILED after {} attempts: {}", entry, site, retries.get() + 1,
                    failure.toString());
            StatusEvent event = new StatusEvent(entry.bucket(), entry.objectKey(), entry.versionId(), site,
                    ReplicationStatus.FAILED, null, failure.reason(), retries.get() + 1, entry.operationTimeMs(),
                    null, null);
            return new EntryOutcome(entry, event, failure, null, null);
        }
    }

    /**
     * The metadata the entry carries, when it can stand for the source's current state: the first delivery of an
     * entry journaled right after its write (not {@code suspect}) that copies data. A change journaled a
     * moment ago is the version's state unless a later entry, which this task handles after it, says otherwise;
     * a version deleted or rewritten meanwhile shows at the copy ({@link #SOURCE_CHANGED}), which then re-reads.
     * Empty: re-read at the source (always, when so configured).
     */
    private Optional<ObjectMetadata> carriedMetadata(LogEntry entry, boolean suspect) {
        if (rereadAlways || suspect || reader == SourceMetadataReader.ENTRY) {
            return Optional.empty();
        }
        try {
            ObjectMetadata md = entry.objectMetadata();
            if (md == null || md.isPhd()) {
                return Optional.empty();
            }
            List<String> content = md.replicationInfo().content();
            // a metadata-only change needs the replica's version id, which the status write-back may have set since
            boolean data = md.isDeleteMarker() || content.isEmpty() || content.contains("DATA");
            return data ? Optional.of(md) : Optional.empty();
        } catch (RuntimeException unreadable) {
            return Optional.empty(); // the source's own copy is read instead, and judged there
        }
    }

    private EntryOutcome skip(LogEntry entry, String why) {
        LOG.info("{}: nothing to replicate to site {}: {}", entry, site, why);
        return EntryOutcome.skipped(entry, why);
    }
}
