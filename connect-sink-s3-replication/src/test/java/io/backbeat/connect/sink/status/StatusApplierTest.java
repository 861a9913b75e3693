package io.backbeat.connect.sink.status;

import static io.backbeat.connect.sink.status.StatusFixtures.SITE_A;
import static io.backbeat.connect.sink.status.StatusFixtures.SITE_B;
import static io.backbeat.connect.sink.status.StatusFixtures.event;
import static io.backbeat.connect.sink.status.StatusFixtures.pending;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationBackend;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.status.MetadataWriter.Decision;
import io.backbeat.connect.sink.status.MetadataWriter.Outcome;

class StatusApplierTest {

    private static ObjectMetadata applied(ObjectMetadata md, String site, ReplicationStatus status) {
        Decision d = StatusApplier.decide(event(site, status), md);
        assertEquals(Outcome.APPLIED, d.outcome());
        return d.updated();
    }

    private static ReplicationBackend backend(ObjectMetadata md, String site) {
        return md.replicationInfo().backend(site).orElseThrow();
    }

    @Test
    void firstSiteCompletedMakesTheVersionProcessingThenBothMakeItCompleted() {
        ObjectMetadata one = applied(pending(), SITE_A, ReplicationStatus.COMPLETED);
        assertEquals(ReplicationStatus.COMPLETED, backend(one, SITE_A).status());
        assertEquals("replica-of-site-a", backend(one, SITE_A).dataStoreVersionId());
        assertEquals(ReplicationStatus.PENDING, backend(one, SITE_B).status());
        assertEquals(ReplicationStatus.PROCESSING, one.replicationInfo().status());

        ObjectMetadata both = applied(one, SITE_B, ReplicationStatus.COMPLETED);
        assertEquals(ReplicationStatus.COMPLETED, both.replicationInfo().status());
        assertEquals("replica-of-site-b", backend(both, SITE_B).dataStoreVersionId());
        assertEquals("replica-of-site-a", backend(both, SITE_A).dataStoreVersionId());
    }

    @Test
    void onlyTheReplicationInfoChanges() {
        ObjectMetadata before = pending();
        ObjectMetadata after = applied(before, SITE_A, ReplicationStatus.COMPLETED);
        var a = before.toJsonNode();
        var b = after.toJsonNode();
        a.remove("replicationInfo");
        b.remove("replicationInfo");
        assertEquals(a, b);
        assertEquals(List.of("color"), List.copyOf(after.tags().keySet()));
    }

    @Test
    void anyFailedSiteMakesTheVersionFailedAndKeepsTheKnownReplicaId() {
        ObjectMetadata failed = applied(pending(), SITE_B, ReplicationStatus.FAILED);
        assertEquals(ReplicationStatus.FAILED, failed.replicationInfo().status());
        assertEquals("", backend(failed, SITE_B).dataStoreVersionId());
        ObjectMetadata thenA = applied(failed, SITE_A, ReplicationStatus.COMPLETED);
        assertEquals(ReplicationStatus.FAILED, thenA.replicationInfo().status());
        assertEquals(ReplicationStatus.COMPLETED, backend(thenA, SITE_A).status());
    }

    @Test
    void completedIsFinal() {
        ObjectMetadata done = applied(pending(), SITE_A, ReplicationStatus.COMPLETED);
        for (ReplicationStatus later : List.of(ReplicationStatus.FAILED, ReplicationStatus.PENDING,
                ReplicationStatus.COMPLETED)) {
            Decision d = StatusApplier.decide(event(SITE_A, later), done);
            assertEquals(Outcome.ALREADY_COMPLETED, d.outcome(), later.name());
            assertNull(d.updated());
        }
    }

    @Test
    void aRedeliveredEventChangesNothing() {
        ObjectMetadata failed = applied(pending(), SITE_B, ReplicationStatus.FAILED);
        assertEquals(Outcome.UNCHANGED, StatusApplier.decide(event(SITE_B, ReplicationStatus.FAILED), failed).outcome());
    }

    @Test
    void aRetryMakesAFailedSitePendingAgainAndTheVersionProcessing() {
        ObjectMetadata failed = applied(applied(pending(), SITE_A, ReplicationStatus.COMPLETED), SITE_B,
                ReplicationStatus.FAILED);
        ObjectMetadata retried = applied(failed, SITE_B, ReplicationStatus.PENDING);
        assertEquals(ReplicationStatus.PENDING, backend(retried, SITE_B).status());
        assertEquals(ReplicationStatus.PROCESSING, retried.replicationInfo().status());
        ObjectMetadata done = applied(retried, SITE_B, ReplicationStatus.COMPLETED);
        assertEquals(ReplicationStatus.COMPLETED, done.replicationInfo().status());
    }

    @Test
    void aSiteThatIsNotATargetIsRejectedWithAReason() {
        ReplicationFailure f = assertThrows(ReplicationFailure.class,
                () -> StatusApplier.decide(event("site-c", ReplicationStatus.COMPLETED), pending()));
        assertEquals("SiteNotATarget", f.reason());
        assertTrue(f.getMessage().contains("site-c") && f.getMessage().contains("[site-a, site-b]"), f.getMessage());
        assertTrue(!f.retryable());
    }

    @Test
    void aReplicaIsNeverChanged() {
        ObjectMetadata replica = pending().withReplicationInfo(ReplicationInfo.fromJson(
                pending().replicationInfo().toJsonNode().put("status", "REPLICA")));
        ReplicationFailure f = assertThrows(ReplicationFailure.class,
                () -> StatusApplier.decide(event(SITE_A, ReplicationStatus.COMPLETED), replica));
        assertEquals("VersionIsReplica", f.reason());
    }

    @Test
    void aCompletionForTheSourceAsItIsCompletesTheSite() {
        ObjectMetadata md = pending();
        Decision d = StatusApplier.decide(event(SITE_A, ReplicationStatus.COMPLETED)
                .withSourceFingerprint(md.replicationFingerprint()), md);
        assertEquals(Outcome.APPLIED, d.outcome());
        assertEquals(ReplicationStatus.COMPLETED, backend(d.updated(), SITE_A).status());
    }

    @Test
    void aCompletionForAnOlderSourceStateRecordsTheReplicaButLeavesTheSitePending() {
        // the copy read the version before the user tagged it: its event names the old fingerprint
        ObjectMetadata copied = pending();
        ObjectMetadata tagged = copied.withTags(Map.of("color", "blue", "hello", "world"));
        var stale = event(SITE_A, ReplicationStatus.COMPLETED).withSourceFingerprint(copied.replicationFingerprint());

        Decision d = StatusApplier.decide(stale, tagged);
        assertEquals(Outcome.SOURCE_CHANGED, d.outcome());
        ObjectMetadata recorded = d.updated();
        assertEquals(ReplicationStatus.PENDING, backend(recorded, SITE_A).status(), "the newer entry must not be skipped");
        assertEquals("replica-of-site-a", backend(recorded, SITE_A).dataStoreVersionId(),
                "the newer entry updates this replica");
        assertEquals(ReplicationStatus.PENDING, backend(recorded, SITE_B).status());
        assertEquals(ReplicationStatus.PROCESSING, recorded.replicationInfo().status());
        assertEquals(tagged.tags(), recorded.tags(), "only the replication info changes");

        // a redelivery of the stale event changes nothing more
        assertEquals(Outcome.UNCHANGED, StatusApplier.decide(stale, recorded).outcome());
        // the newer entry's completion (tags updated on that replica) completes the site
        ObjectMetadata done = StatusApplier.decide(event(SITE_A, ReplicationStatus.COMPLETED)
                .withSourceFingerprint(tagged.replicationFingerprint()), recorded).updated();
        assertEquals(ReplicationStatus.COMPLETED, backend(done, SITE_A).status());
        assertEquals("replica-of-site-a", backend(done, SITE_A).dataStoreVersionId());
    }

    @Test
    void failuresAndEventsWithoutFingerprintAreAppliedAsBefore() {
        ObjectMetadata tagged = pending().withTags(Map.of("hello", "world"));
        // an event from a sink older than the fingerprint: the site completes (the previous behaviour)
        assertEquals(ReplicationStatus.COMPLETED, backend(applied(tagged, SITE_A, ReplicationStatus.COMPLETED),
                SITE_A).status());
        // a FAILED event is about the attempt, not about a source state
        Decision failed = StatusApplier.decide(event(SITE_B, ReplicationStatus.FAILED)
                .withSourceFingerprint(pending().replicationFingerprint()), tagged);
        assertEquals(Outcome.APPLIED, failed.outcome());
        assertEquals(ReplicationStatus.FAILED, backend(failed.updated(), SITE_B).status());
    }

    @Test
    void applyCountsASourceChange() {
        ObjectMetadata copied = pending();
        ObjectMetadata[] stored = {copied.withTags(Map.of("hello", "world"))};
        MetadataWriter writer = new MetadataWriter() {
            @Override
            public Result update(String bucket, String objectKey, String versionId, Change change) {
                Decision d = change.decide(stored[0]);
                if (d.writes()) {
                    stored[0] = d.updated();
                }
                return new Result(d, 0);
            }

            @Override
            public String name() {
                return "memory";
            }

            @Override
            public void close() {
            }
        };
        StatusSinkMetrics metrics = new StatusSinkMetrics();
        StatusApplier applier = new StatusApplier(writer, new io.backbeat.connect.sink.retry.Retrier(
                new io.backbeat.connect.sink.retry.RetryPolicy(1, 1_000, 10, 10, 0, 2)), metrics);
        assertEquals(Outcome.SOURCE_CHANGED, applier.apply(event(SITE_A, ReplicationStatus.COMPLETED)
                .withSourceFingerprint(copied.replicationFingerprint())));
        assertEquals(1, metrics.getSourceChanged());
        assertEquals(0, metrics.getEventsApplied());
        assertEquals(ReplicationStatus.PENDING, backend(stored[0], SITE_A).status());
        assertEquals(1L, metrics.byName().get("source-changed").getAsLong());
    }
}
