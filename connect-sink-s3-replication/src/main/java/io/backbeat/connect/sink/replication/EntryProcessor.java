package io.backbeat.connect.sink.replication;

import java.util.Optional;
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

    private final String site;
    private final String configuredBucket;
    private final SourceMetadataReader reader;
    private final ObjectReplicator replicator;
    private final Retrier retrier;

    /**
     * @param site             the destination site this task replicates to
     * @param configuredBucket destination bucket; null or empty to take it from {@code replicationInfo.destination}
     */
    public EntryProcessor(String site, String configuredBucket, SourceMetadataReader reader,
                          ObjectReplicator replicator, Retrier retrier) {
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
    public EntryOutcome process(LogEntry entry, boolean mayBeReplicated) {
        if (!entry.isObject()) {
            return skip(entry, "bucket entry (not an object version)");
        }
        if (entry.type() != LogEntry.Type.PUT) {
            return skip(entry, "version delete (not replicated, as in Backbeat)");
        }
        AtomicInteger retries = new AtomicInteger();
        try {
            Optional<ObjectMetadata> current = retrier.call("read source metadata of " + entry + " via "
                    + reader.name(), Side.SOURCE_METADATA, () -> reader.read(entry), retries);
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
            ObjectReplicator.Result result = replicator.replicate(entry, md, bucket, known, mayBeReplicated, retries);
            if (result.action() == ObjectReplicator.Action.REPLICA_FOUND) {
                LOG.info("{}: already replicated to site {} (replica version {} in {}, found by the redelivery "
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

    private EntryOutcome skip(LogEntry entry, String why) {
        LOG.info("{}: nothing to replicate to site {}: {}", entry, site, why);
        return EntryOutcome.skipped(entry, why);
    }
}
