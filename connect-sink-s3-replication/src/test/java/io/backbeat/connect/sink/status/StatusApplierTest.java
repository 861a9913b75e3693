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
}
