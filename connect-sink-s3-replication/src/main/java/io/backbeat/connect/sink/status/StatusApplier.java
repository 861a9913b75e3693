package io.backbeat.connect.sink.status;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationBackend;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.Side;
import io.backbeat.connect.sink.status.MetadataWriter.Decision;
import io.backbeat.connect.sink.status.MetadataWriter.Outcome;

/**
 * Applies one status event to the source metadata (Backbeat's UpdateReplicationStatus): re-reads the version,
 * leaves a COMPLETED site alone (COMPLETED is final), else sets the site's status and replica version id,
 * recomputes the global status ({@link ReplicationInfo#withSiteStatus}) and writes it back.
 *
 * <p>A COMPLETED event names the source state it copied ({@link StatusEvent#sourceFingerprint()}). When the
 * version's metadata no longer has that fingerprint (tags or metadata changed while the copy ran), completing
 * the site would make the sink skip the newer entry: the replica version is recorded instead and the site stays
 * PENDING ({@link Outcome#SOURCE_CHANGED}). Events without fingerprint complete the site as before.
 *
 * <p>Failures: a read or write that may succeed later is retried under the retry policy and, when the policy
 * gives up, thrown as a retryable {@link ReplicationFailure}; an event that can never apply (its site is not a
 * target of the version, the version is a replica, the metadata is unreadable) is thrown at once as a final
 * one. A missing version is an outcome, not a failure.
 */
public final class StatusApplier {

    private static final Logger LOG = LoggerFactory.getLogger(StatusApplier.class);

    private final MetadataWriter writer;
    private final Retrier retrier;
    private final StatusSinkMetrics metrics;

    public StatusApplier(MetadataWriter writer, Retrier retrier, StatusSinkMetrics metrics) {
        this.writer = writer;
        this.retrier = retrier;
        this.metrics = metrics;
    }

    /** Applies the event; returns what was done. */
    public Outcome apply(StatusEvent event) {
        AtomicInteger retries = new AtomicInteger();
        MetadataWriter.Result result;
        try {
            result = retrier.call("write " + event.status() + " for site " + event.site() + " to " + describe(event)
                    + " via " + writer.name(), Side.SOURCE_METADATA,
                    () -> writer.update(event.bucket(), event.objectKey(), event.versionId(), current -> decide(event, current)),
                    retries);
        } finally {
            metrics.retried(retries.get());
        }
        metrics.conflicts(result.conflicts());
        switch (result.outcome()) {
            case APPLIED -> {
                metrics.applied();
                LOG.debug("{}: site {} set to {} (replica version {})", describe(event), event.site(), event.status(),
                        event.destinationVersionId());
            }
            case SOURCE_CHANGED -> {
                metrics.sourceChanged();
                LOG.info("{}: the source changed since the copy to site {} read it; replica version {} recorded, "
                        + "the site stays PENDING for the newer entry", describe(event), event.site(),
                        event.destinationVersionId());
            }
            case ALREADY_COMPLETED -> {
                metrics.skippedAlreadyCompleted();
                LOG.debug("{}: site {} is COMPLETED already, {} ignored", describe(event), event.site(),
                        event.status());
            }
            case UNCHANGED -> {
                metrics.skippedUnchanged();
                LOG.debug("{}: site {} is {} already", describe(event), event.site(), event.status());
            }
            case VERSION_MISSING -> {
                metrics.skippedVersionMissing();
                LOG.info("{}: the version no longer exists (deleted meanwhile); {} for site {} not recorded",
                        describe(event), event.status(), event.site());
            }
            default -> throw new IllegalStateException("unknown outcome " + result.outcome());
        }
        return result.outcome();
    }

    /** What the event does to the metadata as stored now. */
    static Decision decide(StatusEvent event, ObjectMetadata current) {
        ReplicationInfo info = current.replicationInfo();
        if (info.status() == ReplicationStatus.REPLICA) {
            // a replica is never a replication source: a status for it means a misrouted event
            throw ReplicationFailure.permanent("VersionIsReplica", Side.SOURCE_METADATA, describe(event)
                    + " is a replica (replicationInfo.status REPLICA): its replication status is not changed");
        }
        Optional<ReplicationBackend> backend = info.backend(event.site());
        if (backend.isEmpty()) {
            throw ReplicationFailure.permanent("SiteNotATarget", Side.SOURCE_METADATA, "site " + event.site()
                    + " is not a replication target of " + describe(event) + " (targets: "
                    + info.backends().stream().map(ReplicationBackend::site).toList() + ")");
        }
        if (backend.get().status() == ReplicationStatus.COMPLETED) {
            return Decision.keep(Outcome.ALREADY_COMPLETED);
        }
        if (event.status() == ReplicationStatus.COMPLETED && event.sourceFingerprint() != null
                && !event.sourceFingerprint().equals(current.replicationFingerprint())) {
            // the source changed (e.g. new tags) after the copy read it: the replica exists but is stale. Record
            // it so the newer entry updates that replica, and keep the site PENDING so that entry is not skipped.
            ReplicationInfo known = info.withSiteStatus(event.site(), ReplicationStatus.PENDING,
                    event.destinationVersionId());
            return known.equals(info) ? Decision.keep(Outcome.UNCHANGED)
                    : new Decision(Outcome.SOURCE_CHANGED, current.withReplicationInfo(known));
        }
        // only a completed copy names the replica; FAILED and PENDING keep what is known
        String replicaVersion = event.status() == ReplicationStatus.COMPLETED ? event.destinationVersionId() : null;
        ReplicationInfo updated = info.withSiteStatus(event.site(), event.status(), replicaVersion);
        if (updated.equals(info)) {
            return Decision.keep(Outcome.UNCHANGED);
        }
        return Decision.write(current.withReplicationInfo(updated));
    }

    static String describe(StatusEvent e) {
        return e.bucket() + "/" + e.objectKey() + (e.versionId() == null ? "" : " version " + e.versionId());
    }
}
