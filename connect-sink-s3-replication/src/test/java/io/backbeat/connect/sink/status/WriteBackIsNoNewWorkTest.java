package io.backbeat.connect.sink.status;

import static io.backbeat.connect.sink.status.StatusFixtures.INTERNAL_VERSION;
import static io.backbeat.connect.sink.status.StatusFixtures.SITE_A;
import static io.backbeat.connect.sink.status.StatusFixtures.SITE_B;
import static io.backbeat.connect.sink.status.StatusFixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.backbeat.connect.model.KeyFormat;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.smt.ReplicationFilter;

/**
 * The write-back is itself a change of the source metadata, so the source connector publishes it as a log
 * entry. It must not become new replication work: the sites' ReplicationFilter (the real transform, as the
 * replication sinks run it) drops every entry the write-back produces, and every REPLICA.
 */
class WriteBackIsNoNewWorkTest {

    private final List<ReplicationFilter<SinkRecord>> filters = new ArrayList<>();

    private ReplicationFilter<SinkRecord> filter(String site) {
        ReplicationFilter<SinkRecord> f = new ReplicationFilter<>();
        f.configure(site == null ? Map.of() : Map.of("site", site));
        filters.add(f);
        return f;
    }

    @AfterEach
    void close() {
        filters.forEach(ReplicationFilter::close);
    }

    /** The version key and master key entries CloudServer's write of {@code md} produces (v1 bucket). */
    private static List<SinkRecord> journal(ObjectMetadata md) {
        List<SinkRecord> records = new ArrayList<>();
        long offset = 0;
        for (String rawKey : List.of(KeyFormat.V1.versionKey("k3", INTERNAL_VERSION), KeyFormat.V1.masterKey("k3"))) {
            LogEntry e = LogEntry.ofObjectDocument(LogEntry.Type.PUT, "src", rawKey, KeyFormat.V1, md.toJson(),
                    1_795_308_285_100L);
            records.add(new SinkRecord(LogEntry.TOPIC, 0, Schema.STRING_SCHEMA, e.kafkaKey(), LogEntry.SCHEMA,
                    e.toStruct(), offset++));
        }
        return records;
    }

    private void assertKeptBy(ObjectMetadata md, String... sites) {
        List<String> keptBy = new ArrayList<>();
        for (String site : new String[] {SITE_A, SITE_B, null}) {
            ReplicationFilter<SinkRecord> f = filter(site);
            List<SinkRecord> records = journal(md);
            // the master of a versioned object is never replicated: only its version key counts
            assertNull(f.apply(records.get(1)), "master entry kept for site " + site);
            if (f.apply(records.get(0)) != null) {
                keptBy.add(site == null ? "any" : site);
            }
        }
        assertEquals(List.of(sites), keptBy);
    }

    private static ObjectMetadata apply(ObjectMetadata md, String site, ReplicationStatus status) {
        MetadataWriter.Decision d = StatusApplier.decide(event(site, status), md);
        assertNotNull(d.updated(), "expected a write for " + site + " " + status);
        return d.updated();
    }

    @Test
    void theOriginalWriteIsWorkForBothSites() {
        assertKeptBy(StatusFixtures.pending(), SITE_A, SITE_B, "any");
    }

    @Test
    void noWriteBackIsKeptBySomeSite() {
        ObjectMetadata aDone = apply(StatusFixtures.pending(), SITE_A, ReplicationStatus.COMPLETED);
        assertKeptBy(aDone);
        ObjectMetadata bothDone = apply(aDone, SITE_B, ReplicationStatus.COMPLETED);
        assertKeptBy(bothDone);
        ObjectMetadata bFailed = apply(aDone, SITE_B, ReplicationStatus.FAILED);
        assertKeptBy(bFailed);
        ObjectMetadata bRetried = apply(bFailed, SITE_B, ReplicationStatus.PENDING);
        // a retry re-queues its entry itself (ops API); the PENDING write-back is not work on its own
        assertKeptBy(bRetried);
        ObjectMetadata aFailedFirst = apply(StatusFixtures.pending(), SITE_A, ReplicationStatus.FAILED);
        assertKeptBy(aFailedFirst);
    }

    @Test
    void aReplicaIsNeverReplicatedBack() {
        // a destination that is also a source: the replica CloudServer recorded there
        ObjectMetadata replica = StatusFixtures.pending().withReplicationInfo(ReplicationInfo.fromJson(
                StatusFixtures.pending().replicationInfo().toJsonNode().put("status", "REPLICA")));
        assertKeptBy(replica);
    }
}
