package io.backbeat.connect.sink.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sink.failed.FailedEntry;
import io.backbeat.connect.sink.failed.FailedEntryStore;
import io.backbeat.connect.sink.metrics.ReplicationSinkMetrics;
import io.backbeat.connect.sink.metrics.ReplicationStats;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.RetryPolicy;
import io.backbeat.connect.sink.retry.Side;
import io.backbeat.connect.sink.status.StatusPublisher;
import io.backbeat.connect.testbed.Await;

/** Ordering, parallelism, offsets and failure bookkeeping of the engine, with a scripted entry handler. */
class ReplicationEngineTest {

    private static final String TOPIC = "backbeat-metadata-log";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RecordingPublisher publisher = new RecordingPublisher();
    private final Retrier retrier = new Retrier(new RetryPolicy(1, 1000, 1, 1, 0, 1));
    private ReplicationEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    static final class RecordingPublisher implements StatusPublisher {
        final List<StatusEvent> events = new CopyOnWriteArrayList<>();
        volatile Function<StatusEvent, CompletableFuture<Void>> behaviour = e -> CompletableFuture.completedFuture(null);

        @Override
        public CompletableFuture<Void> publish(StatusEvent event) {
            CompletableFuture<Void> f = behaviour.apply(event);
            return f.thenRun(() -> events.add(event));
        }

        @Override
        public void close() {
        }
    }

    /** A handler whose behaviour per entry the test scripts. */
    static final class ScriptedHandler implements EntryHandler {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final Map<String, Boolean> suspect = new ConcurrentHashMap<>();
        volatile Function<LogEntry, EntryOutcome> outcome = ReplicationEngineTest::completed;

        @Override
        public String site() {
            return "siteA";
        }

        @Override
        public EntryOutcome process(LogEntry entry, boolean suspect) {
            this.suspect.put(entry.versionId(), suspect);
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            log.add("start " + entry.objectKey() + " " + entry.versionId());
            try {
                CountDownLatch gate = gates.get(entry.versionId());
                if (gate != null) {
                    gate.await(30, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.add("end " + entry.objectKey() + " " + entry.versionId());
            running.decrementAndGet();
            return outcome.apply(entry);
        }
    }

    static EntryOutcome completed(LogEntry e) {
        return new EntryOutcome(e, new StatusEvent(e.bucket(), e.objectKey(), e.versionId(), "siteA",
                ReplicationStatus.COMPLETED, "dst-" + e.versionId(), null, 1, e.operationTimeMs(), 1L, 1L), null,
                null, new ObjectReplicator.Result(ObjectReplicator.Action.DATA_COPIED, "dst-" + e.versionId(), 1, 0));
    }

    static EntryOutcome failed(LogEntry e) {
        ReplicationFailure f = ReplicationFailure.permanent("DstBucketNotFound", Side.DESTINATION, "no bucket");
        return new EntryOutcome(e, new StatusEvent(e.bucket(), e.objectKey(), e.versionId(), "siteA",
                ReplicationStatus.FAILED, null, f.reason(), 1, e.operationTimeMs(), null, null), f, null, null);
    }

    static SinkRecord record(int partition, long offset, String key, String version) {
        LogEntry e = LogEntry.object(LogEntry.Type.PUT, "src", key, version, "\u007fV" + key + "\u0000" + version,
                "{}", 1000);
        return new SinkRecord(TOPIC, partition, null, e.kafkaKey(), LogEntry.SCHEMA, e.toStruct(), offset);
    }

    private ReplicationEngine engine(EntryHandler handler, FailedEntryStore store, ErrantRecordReporter dlq,
                                     int concurrency) {
        engine = new ReplicationEngine(handler, publisher, store, dlq, retrier, concurrency);
        return engine;
    }

    @Test
    void sameObjectInOrderDifferentObjectsInParallel() {
        ScriptedHandler h = new ScriptedHandler();
        engine(h, null, null, 4);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(record(0, 2 * i, "a", "a" + i));
            records.add(record(0, 2 * i + 1, "b", "b" + i));
        }
        engine.submit(records);
        Await.until(WAIT, "all entries done", () -> engine.inFlight() == 0);

        for (String key : List.of("a", "b")) {
            List<String> ofKey = h.log.stream().filter(l -> l.split(" ")[1].equals(key)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expected.add("start " + key + " " + key + i);
                expected.add("end " + key + " " + key + i);
            }
            assertEquals(expected, ofKey, "entries of one object run strictly one after the other");
        }
        assertEquals(2, h.maxRunning.get(), "two objects ran at the same time, never two entries of one object");
        assertEquals(10, publisher.events.size());
        assertEquals(Map.of(P0, new OffsetAndMetadata(10)), engine.committableOffsets(framework(P0, 10)));
        assertEquals(10, engine.metrics().getOpsReplicated());
    }

    @Test
    void onlyOffsetsOfFullyDoneRecordsAreCommittable() {
        ScriptedHandler h = new ScriptedHandler();
        CountDownLatch slow = new CountDownLatch(1);
        h.gates.put("x1", slow);
        engine(h, null, null, 4);
        engine.submit(List.of(record(0, 100, "x", "x1"), record(0, 101, "y", "y1"), record(0, 102, "z", "z1")));
        Await.until(WAIT, "y and z done", () -> publisher.events.size() == 2);
        assertEquals(Map.of(P0, new OffsetAndMetadata(100)), engine.committableOffsets(framework(P0, 103)),
                "101 and 102 are done but 100 is not: nothing past 100 may be committed");

        // the status event of x1 is not acknowledged yet: still not done
        CompletableFuture<Void> ack = new CompletableFuture<>();
        publisher.behaviour = e -> ack;
        slow.countDown();
        Await.until(WAIT, "x1 copied", () -> h.log.contains("end x x1"));
        assertEquals(Map.of(P0, new OffsetAndMetadata(100)), engine.committableOffsets(framework(P0, 103)));
        ack.complete(null);
        Await.until(WAIT, "x1 done", () -> engine.inFlight() == 0);
        assertEquals(Map.of(P0, new OffsetAndMetadata(103)), engine.committableOffsets(framework(P0, 103)));
        // a partition whose records were all filtered out commits what the framework consumed
        assertEquals(framework(new TopicPartition(TOPIC, 7), 40), engine.committableOffsets(framework(new TopicPartition(TOPIC, 7), 40)));
    }

    @Test
    void anEntryIsDoneWhenItsOwnCopyIsNotAfterTheCopiesQueuedBehindIt() {
        ScriptedHandler h = new ScriptedHandler();
        CountDownLatch held = new CountDownLatch(1);
        engine(h, null, null, 2);
        List<SinkRecord> records = new ArrayList<>(List.of(record(0, 0, "quick", "q1")));
        for (int i = 1; i <= 10; i++) {
            h.gates.put("held" + i, held);
            records.add(record(0, i, "held-" + i, "held" + i));
        }
        engine.submit(records);
        try {
            // both workers end up in held copies with eight more queued: the quick entry must not wait for them
            Await.until(WAIT, "the quick entry done while the others are held", () -> engine.inFlight() == 10);
            assertEquals(Map.of(P0, new OffsetAndMetadata(1)), engine.committableOffsets(framework(P0, 11)));
            assertEquals(1, engine.metrics().getOpsReplicated());
        } finally {
            held.countDown();
        }
        Await.until(WAIT, "all done", () -> engine.inFlight() == 0);
        assertEquals(Map.of(P0, new OffsetAndMetadata(11)), engine.committableOffsets(framework(P0, 11)));
    }

    @Test
    void undeliverableStatusEventStopsTheTaskWithoutCommitting() {
        ScriptedHandler h = new ScriptedHandler();
        publisher.behaviour = e -> CompletableFuture.failedFuture(new IllegalStateException("broker gone"));
        engine(h, null, null, 2);
        engine.submit(List.of(record(0, 5, "k", "v1")));
        Await.until(WAIT, "entry finished", () -> engine.inFlight() == 0);
        ConnectException e = assertThrows(ConnectException.class, engine::checkHealthy);
        assertTrue(e.getMessage().contains("broker gone"), e.getMessage());
        assertEquals(Map.of(P0, new OffsetAndMetadata(5)), engine.committableOffsets(framework(P0, 6)));
    }

    @Test
    void failedEntriesGoToRedisAndTheDeadLetterQueueBeforeTheirEvent() throws Exception {
        ScriptedHandler h = new ScriptedHandler();
        h.outcome = ReplicationEngineTest::failed;
        FailedEntryStore store = mock(FailedEntryStore.class);
        ErrantRecordReporter dlq = mock(ErrantRecordReporter.class);
        when(dlq.report(any(), any())).thenReturn(CompletableFuture.completedFuture(null));
        engine(h, store, dlq, 2);
        SinkRecord r = record(0, 0, "dir/k", "v9");
        engine.submit(List.of(r));
        Await.until(WAIT, "entry done", () -> engine.inFlight() == 0);

        ArgumentCaptor<FailedEntry> failed = ArgumentCaptor.forClass(FailedEntry.class);
        verify(store).add(failed.capture());
        assertEquals("src:dir/k:v9", failed.getValue().member());
        assertEquals("siteA", failed.getValue().site());
        ArgumentCaptor<Throwable> why = ArgumentCaptor.forClass(Throwable.class);
        verify(dlq).report(eq(r), why.capture());
        assertEquals("DstBucketNotFound", ((ReplicationFailure) why.getValue()).reason());
        assertEquals(1, publisher.events.size());
        assertEquals("DstBucketNotFound", publisher.events.get(0).reason());
        assertEquals(Map.of(P0, new OffsetAndMetadata(1)), engine.committableOffsets(framework(P0, 1)));
        engine.checkHealthy();
    }

    @Test
    void redisOutageDoesNotStopReplication() {
        ScriptedHandler h = new ScriptedHandler();
        h.outcome = ReplicationEngineTest::failed;
        FailedEntryStore store = mock(FailedEntryStore.class);
        org.mockito.Mockito.doThrow(new redis.clients.jedis.exceptions.JedisConnectionException("refused"))
                .when(store).add(any());
        engine(h, store, null, 2);
        engine.submit(List.of(record(0, 0, "k", "v1")));
        Await.until(WAIT, "entry done", () -> engine.inFlight() == 0);
        engine.checkHealthy();
        assertEquals(1, engine.metrics().getRedisFailures());
        assertEquals(1, publisher.events.size(), "the FAILED event is still published");
    }

    @Test
    void badRecordsAreReportedAndDoNotBlockTheirPartition() {
        ScriptedHandler h = new ScriptedHandler();
        ErrantRecordReporter dlq = mock(ErrantRecordReporter.class);
        when(dlq.report(any(), any())).thenReturn(CompletableFuture.completedFuture(null));
        engine(h, null, dlq, 2);
        SinkRecord bad = new SinkRecord(TOPIC, 0, null, "k", null, "not a log entry", 0);
        engine.submit(List.of(bad, record(0, 1, "k", "v1")));
        Await.until(WAIT, "records done", () -> engine.inFlight() == 0);
        verify(dlq).report(eq(bad), any());
        assertEquals(1, engine.metrics().getBadRecords());
        assertEquals(Map.of(P0, new OffsetAndMetadata(2)), engine.committableOffsets(framework(P0, 2)));
    }

    @Test
    void skippedEntriesPublishNothingButAreCommitted() {
        ScriptedHandler h = new ScriptedHandler();
        h.outcome = e -> EntryOutcome.skipped(e, "already COMPLETED");
        FailedEntryStore store = mock(FailedEntryStore.class);
        engine(h, store, null, 2);
        engine.submit(List.of(record(0, 0, "k", "v1"), record(0, 1, "k", "v2")));
        Await.until(WAIT, "records done", () -> engine.inFlight() == 0);
        assertEquals(List.of(), publisher.events);
        verify(store, never()).add(any());
        assertEquals(Map.of(P0, new OffsetAndMetadata(2)), engine.committableOffsets(framework(P0, 2)));
    }

    @Test
    void closedPartitionsAreForgottenAfterABoundedWait() throws Exception {
        ScriptedHandler h = new ScriptedHandler();
        CountDownLatch stuck = new CountDownLatch(1);
        h.gates.put("v1", stuck);
        engine(h, null, null, 2);
        engine.submit(List.of(record(0, 0, "k", "v1")));
        long t0 = System.nanoTime();
        assertEquals(false, engine.closePartitions(List.of(P0), 300), "v1 is still copying");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(290), "waited for it");
        // assigned again later: the record of the lost assignment no longer holds the partition back
        assertEquals(framework(P0, 5), engine.committableOffsets(framework(P0, 5)));
        stuck.countDown();
    }

    @Test
    void aLostPartitionIsHandedOverOnceItsEntriesInFlightAreDone() throws Exception {
        ScriptedHandler h = new ScriptedHandler();
        CountDownLatch slow = new CountDownLatch(1);
        h.gates.put("v1", slow);
        engine(h, null, null, 2);
        TopicPartition p1 = new TopicPartition(TOPIC, 1);
        CountDownLatch kept = new CountDownLatch(1);
        h.gates.put("w1", kept);
        engine.submit(List.of(record(0, 0, "k", "v1"), record(1, 0, "other", "w1")));
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slow.countDown();
        });
        release.start();
        assertTrue(engine.closePartitions(List.of(P0), 20_000), "the copy of v1 finished within the wait");
        assertTrue(h.log.contains("end k v1"));
        assertEquals(1, publisher.events.size(), "its status event was sent before the hand-over");
        assertEquals(1, engine.inFlight(), "the entry of a partition the task keeps is not waited for");
        kept.countDown();
    }

    @Test
    void recordsTheFiltersDroppedAreCommittedUpToTheFirstUnfinishedRecord() {
        ScriptedHandler h = new ScriptedHandler();
        CountDownLatch slow = new CountDownLatch(1);
        h.gates.put("b1", slow);
        engine(h, null, null, 2);
        TopicPartition p1 = new TopicPartition(TOPIC, 1);
        TopicPartition p2 = new TopicPartition(TOPIC, 2);
        // P0: offset 3 reached the task, 4..9 were dropped by the SMT chain; P1: 12 in flight, 13..19 dropped;
        // P2: every record dropped
        engine.submit(List.of(record(0, 3, "a", "a1"), record(1, 12, "b", "b1")));
        Await.until(WAIT, "a1 done", () -> engine.inFlight() == 1);
        Map<TopicPartition, OffsetAndMetadata> current = Map.of(P0, new OffsetAndMetadata(10),
                p1, new OffsetAndMetadata(20), p2, new OffsetAndMetadata(7));
        assertEquals(Map.of(P0, new OffsetAndMetadata(10), p1, new OffsetAndMetadata(12),
                p2, new OffsetAndMetadata(7)), engine.committableOffsets(current));
        slow.countDown();
        Await.until(WAIT, "b1 done", () -> engine.inFlight() == 0);
        assertEquals(current, engine.committableOffsets(current));
    }

    /** What the worker passes to preCommit: one past the last record it consumed in the partition. */
    private static Map<TopicPartition, OffsetAndMetadata> framework(TopicPartition tp, long next) {
        return Map.of(tp, new OffsetAndMetadata(next));
    }

    @Test
    void metricsAndRedisCountersFollowAcknowledgedEvents() throws Exception {
        ReplicationStats redis = mock(ReplicationStats.class);
        SiteStats stats = new SiteStats(new ReplicationSinkMetrics("siteA"), redis, () -> 7_000_000L);
        ScriptedHandler h = new ScriptedHandler();
        CountDownLatch slow = new CountDownLatch(1);
        h.gates.put("ok1", slow);
        long written = System.currentTimeMillis() - 5_000;
        h.outcome = e -> e.objectKey().equals("ok") ? new EntryOutcome(e, new StatusEvent(e.bucket(), e.objectKey(),
                e.versionId(), "siteA", ReplicationStatus.COMPLETED, "dst", null, 3, e.operationTimeMs(),
                e.operationTimeMs() + 250, 42L), null, null,
                new ObjectReplicator.Result(ObjectReplicator.Action.DATA_COPIED, "dst", 42, 0)) : failed(e);
        engine = new ReplicationEngine(h, publisher, null, null, retrier, 2, stats,
                new SuspectEntries(10_000, System::currentTimeMillis));
        ReplicationSinkMetrics m = engine.metrics();
        CompletableFuture<Void> ack = new CompletableFuture<>();
        publisher.behaviour = e -> e.status() == ReplicationStatus.COMPLETED ? ack : CompletableFuture.completedFuture(null);

        LogEntry ok = LogEntry.object(LogEntry.Type.PUT, "src", "ok", "ok1", "\u007fVok\u0000ok1", "{}", written);
        LogEntry bad = LogEntry.object(LogEntry.Type.PUT, "src", "ko", "ko1", "\u007fVko\u0000ko1",
                "{\"content-length\":7}", written + 1_000);
        engine.submit(List.of(new SinkRecord(TOPIC, 0, null, ok.kafkaKey(), LogEntry.SCHEMA, ok.toStruct(), 0),
                new SinkRecord(TOPIC, 0, null, bad.kafkaKey(), LogEntry.SCHEMA, bad.toStruct(), 1)));
        Await.until(WAIT, "the failure counted", () -> m.getOpsFailed() == 1);
        assertEquals(7, m.getBytesFailed(), "the failed version's size");
        verify(redis).recordFailed("siteA", 7, 7_000_000L);
        // the copy of ok1 is running: in flight, and the RPO is the age of its source write
        assertEquals(1, m.getInFlightEntries());
        assertTrue(m.getRpoMs() >= 5_000 && m.getRpoMs() < 60_000, "rpo " + m.getRpoMs());

        slow.countDown();
        Await.until(WAIT, "ok1 copied", () -> h.log.contains("end ok ok1"));
        assertEquals(0, m.getOpsReplicated(), "not counted before its status event is acknowledged");
        verify(redis, never()).recordDone(any(), org.mockito.ArgumentMatchers.anyLong(),
                org.mockito.ArgumentMatchers.anyLong());
        ack.complete(null);
        Await.until(WAIT, "ok1 counted", () -> m.getOpsReplicated() == 1);
        verify(redis).recordDone("siteA", 42, 7_000_000L);
        assertEquals(42, m.getBytesReplicated());
        assertEquals(250, m.getReplicationLatencyMsLast());
        assertEquals(250, m.getReplicationLatencyMsMax());
        assertEquals(1, m.getReplicationLatencyCount());
        assertEquals(2, m.getTransientRetries(), "3 attempts: 2 retries");
        Await.until(WAIT, "idle", () -> engine.inFlight() == 0);
        assertEquals(0, m.getInFlightEntries());
        assertEquals(0, m.getRpoMs());
        assertEquals(Set.of("ops-replicated", "bytes-replicated", "ops-failed", "bytes-failed", "entries-skipped",
                "replicas-found", "bad-records", "transient-retries", "redis-failures", "in-flight-entries", "rpo-ms",
                "replication-latency-ms-last", "replication-latency-ms-max", "replication-latency-ms-sum",
                "replication-latency-count"), m.byName().keySet());
    }

    @Test
    void aRedisOutageOnlyCountsAgainstTheCounters() {
        ReplicationStats redis = mock(ReplicationStats.class);
        org.mockito.Mockito.doThrow(new redis.clients.jedis.exceptions.JedisConnectionException("refused"))
                .when(redis).recordDone(any(), org.mockito.ArgumentMatchers.anyLong(),
                        org.mockito.ArgumentMatchers.anyLong());
        engine = new ReplicationEngine(new ScriptedHandler(), publisher, null, null, retrier, 2,
                new SiteStats(new ReplicationSinkMetrics("siteA"), redis, System::currentTimeMillis),
                new SuspectEntries(10_000, System::currentTimeMillis));
        engine.submit(List.of(record(0, 0, "k", "v1"), record(0, 1, "k", "v2")));
        Await.until(WAIT, "entries done", () -> engine.inFlight() == 0);
        engine.checkHealthy();
        assertEquals(2, engine.metrics().getOpsReplicated());
        assertEquals(2, engine.metrics().getRedisFailures());
        assertEquals(framework(P0, 2), engine.committableOffsets(framework(P0, 2)));
    }

    @Test
    void entriesJournaledBeforeTheTaskGotThePartitionAreCheckedForReplicas() {
        ScriptedHandler h = new ScriptedHandler();
        long[] now = {1_000_000};
        SuspectEntries check = new SuspectEntries(100, () -> now[0]);
        h.outcome = e -> e.versionId().equals("found") ? new EntryOutcome(e, new StatusEvent(e.bucket(),
                e.objectKey(), e.versionId(), "siteA", ReplicationStatus.COMPLETED, "dst-1", null, 1,
                e.operationTimeMs(), 1L, 0L), null, null,
                new ObjectReplicator.Result(ObjectReplicator.Action.REPLICA_FOUND, "dst-1", 0, 0)) : completed(e);
        engine = new ReplicationEngine(h, publisher, null, null, retrier, 4, SiteStats.metricsOnly("siteA"), check);
        engine.openPartitions(List.of(P0));
        now[0] = 2_000_000;
        engine.submit(List.of(
                // produced before the assignment: a previous owner may have copied it
                journaled(0, "old", 999_000, 999_000),
                // produced within the grace after the assignment: another worker's clock may be behind
                journaled(1, "edge", 1_000_050, 1_000_050),
                // produced well after the assignment, right after its source write: first delivery
                journaled(2, "new", 1_500_000, 1_499_950),
                // produced well after the assignment but long after its source write: a replayed journal entry
                journaled(3, "late", 1_600_000, 1_000_000),
                journaled(4, "found", 999_000, 999_000)));
        Await.until(WAIT, "entries done", () -> engine.inFlight() == 0);
        assertEquals(Map.of("old", true, "edge", true, "new", false, "late", true, "found", true), h.suspect);
        assertEquals(5, engine.metrics().getOpsReplicated());
        assertEquals(1, engine.metrics().getReplicasFound());

        // a partition the task lost and got back: its time of assignment is the new one
        engine.closePartitions(List.of(P0), 0);
        engine.openPartitions(List.of(P0));
        engine.submit(List.of(journaled(5, "again", 1_900_000, 1_900_000)));
        Await.until(WAIT, "entry done", () -> engine.inFlight() == 0);
        assertTrue(h.suspect.get("again"), "journaled before the second assignment");
    }

    @Test
    void anEntryTheSourceMarksAsAPossibleReplayIsSuspectHoweverPromptlyItWasJournaled() {
        LogEntry e = LogEntry.object(LogEntry.Type.PUT, "src", "k", "v", "\u007fVk\u0000v", "{}", 50_000);
        SinkRecord record = new SinkRecord(TOPIC, 0, null, e.kafkaKey(), LogEntry.SCHEMA, e.toStruct(), 0,
                50_000L, org.apache.kafka.common.record.TimestampType.CREATE_TIME);
        SuspectEntries suspects = new SuspectEntries(10_000, () -> 0);
        assertEquals(false, suspects.isSuspect(record, e), "journaled at its write, after the assignment");
        // a source task that restarted within the grace journals its predecessor's last changes again
        record.headers().addBoolean(LogEntry.POSSIBLE_REPLAY_HEADER, true);
        assertTrue(suspects.isSuspect(record, e), "marked by the source: its predecessor may have journaled it");
    }

    @Test
    void aRecordWithoutTimestampIsSuspectAndTheReplicaCheckModesDecideTheLookUp() {
        LogEntry e = LogEntry.object(LogEntry.Type.PUT, "src", "k", "v", "\u007fVk\u0000v", "{}", 10);
        SinkRecord fresh = new SinkRecord(TOPIC, 0, null, e.kafkaKey(), LogEntry.SCHEMA, e.toStruct(), 0,
                10L, org.apache.kafka.common.record.TimestampType.CREATE_TIME);
        SinkRecord untimed = new SinkRecord(TOPIC, 0, null, e.kafkaKey(), LogEntry.SCHEMA, e.toStruct(), 0);
        SuspectEntries suspects = new SuspectEntries(0, () -> 0);
        assertTrue(suspects.isSuspect(untimed, e), "a record without a timestamp cannot be told apart");
        assertEquals(false, suspects.isSuspect(fresh, e), "first seen at 0, produced and written at 10");

        assertEquals(List.of(true, true), List.of(ReplicaCheck.ALWAYS.lookUp(false), ReplicaCheck.ALWAYS.lookUp(true)));
        assertEquals(List.of(false, false), List.of(ReplicaCheck.NEVER.lookUp(false), ReplicaCheck.NEVER.lookUp(true)));
        assertEquals(List.of(false, true),
                List.of(ReplicaCheck.REDELIVERIES.lookUp(false), ReplicaCheck.REDELIVERIES.lookUp(true)));
    }

    private static SinkRecord journaled(long offset, String version, long producedMs, long writtenMs) {
        LogEntry e = LogEntry.object(LogEntry.Type.PUT, "src", "key-" + version, version,
                "\u007fVkey-" + version + "\u0000" + version, "{}", writtenMs);
        return new SinkRecord(TOPIC, 0, null, e.kafkaKey(), LogEntry.SCHEMA, e.toStruct(), offset, producedMs,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME);
    }
}
