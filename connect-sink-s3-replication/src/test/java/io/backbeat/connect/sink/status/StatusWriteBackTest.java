package io.backbeat.connect.sink.status;

import static io.backbeat.connect.sink.status.StatusFixtures.SITE_A;
import static io.backbeat.connect.sink.status.StatusFixtures.SITE_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.RetryPolicy;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Batch handling: order per object, the dead letter queue, transient and fatal failures. */
class StatusWriteBackTest {

    private static final RetryPolicy TWO_FAST_RETRIES = new RetryPolicy(2, 10_000, 1, 2, 0, 1);

    /** Metadata kept in memory; records the order of writes per object; can be told to fail. */
    static final class MemoryWriter implements MetadataWriter {
        final Map<String, ObjectMetadata> versions = new ConcurrentHashMap<>();
        final List<String> writes = Collections.synchronizedList(new ArrayList<>());
        volatile RuntimeException failWith;

        @Override
        public Result update(String bucket, String key, String versionId, Change change) {
            if (failWith != null) {
                throw failWith;
            }
            ObjectMetadata current = versions.get(key);
            if (current == null) {
                return MetadataWriter.missing();
            }
            Decision d = change.decide(current);
            if (d.writes()) {
                versions.put(key, d.updated());
                writes.add(key + ":" + d.updated().replicationInfo().status());
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
    }

    private final MemoryWriter writer = new MemoryWriter();
    private final ErrantRecordReporter dlq = mock(ErrantRecordReporter.class);
    private final StatusSinkMetrics metrics = new StatusSinkMetrics();
    private long offset;

    private StatusWriteBack writeBack(ErrantRecordReporter reporter) {
        return new StatusWriteBack(writer, new Retrier(TWO_FAST_RETRIES, ms -> { }), reporter, metrics, 4,
                "source.s3.access.key.id");
    }

    private SinkRecord record(Object value) {
        return new SinkRecord(StatusEvent.TOPIC, 0, Schema.STRING_SCHEMA, "src/x", null, value, offset++);
    }

    private SinkRecord record(String key, String site, ReplicationStatus status) {
        return record(StatusFixtures.event(key, StatusFixtures.VERSION, site, status).toStruct());
    }

    @Test
    void eventsOfOneObjectAreAppliedInOrderAndBadRecordsGoToTheDeadLetterQueue() {
        for (String key : List.of("a", "b", "c")) {
            writer.versions.put(key, StatusFixtures.pending());
        }
        List<SinkRecord> batch = List.of(
                record("a", SITE_A, ReplicationStatus.FAILED),
                record("b", SITE_A, ReplicationStatus.COMPLETED),
                record("not a status event"),
                record("a", SITE_A, ReplicationStatus.PENDING),
                record("c", "site-c", ReplicationStatus.COMPLETED),
                record("b", SITE_B, ReplicationStatus.COMPLETED),
                record("a", SITE_A, ReplicationStatus.COMPLETED),
                record("a", SITE_B, ReplicationStatus.COMPLETED),
                record("gone", SITE_B, ReplicationStatus.COMPLETED));
        try (StatusWriteBack wb = writeBack(dlq)) {
            wb.put(batch);
        }
        List<String> ofA = writer.writes.stream().filter(w -> w.startsWith("a:")).toList();
        assertEquals(List.of("a:FAILED", "a:PROCESSING", "a:PROCESSING", "a:COMPLETED"), ofA);
        assertEquals(ReplicationStatus.COMPLETED, writer.versions.get("b").replicationInfo().status());
        assertEquals(6, metrics.getEventsApplied());
        assertEquals(1, metrics.getSkippedVersionMissing());
        assertEquals(2, metrics.getFailures());

        ArgumentCaptor<Throwable> why = ArgumentCaptor.forClass(Throwable.class);
        verify(dlq).report(eq(batch.get(2)), why.capture());
        assertTrue(why.getValue() instanceof DataException);
        assertTrue(why.getValue().getMessage().startsWith("[NotAStatusEvent]"), why.getValue().getMessage());
        verify(dlq).report(eq(batch.get(4)), why.capture());
        assertTrue(why.getValue().getMessage().startsWith("[SiteNotATarget]"), why.getValue().getMessage());
        assertTrue(why.getValue().getMessage().contains("site-c"), why.getValue().getMessage());
    }

    @Test
    void withoutDeadLetterQueueARejectedEventIsCountedAndTheTaskGoesOn() {
        writer.versions.put("a", StatusFixtures.pending());
        try (StatusWriteBack wb = writeBack(null)) {
            wb.put(List.of(record(42), record("a", SITE_A, ReplicationStatus.COMPLETED)));
        }
        assertEquals(1, metrics.getFailures());
        assertEquals(1, metrics.getEventsApplied());
    }

    @Test
    void aTransientFailureIsRetriedThenHandedBackToConnect() {
        writer.versions.put("a", StatusFixtures.pending());
        writer.failWith = new UncheckedIOException("connection reset", new IOException("connection reset"));
        try (StatusWriteBack wb = writeBack(dlq)) {
            RetriableException e = assertThrows(RetriableException.class,
                    () -> wb.put(List.of(record("a", SITE_A, ReplicationStatus.COMPLETED))));
            assertTrue(e.getMessage().contains("src/a"), e.getMessage());
            assertEquals(2, metrics.getTransientRetries());
            verify(dlq, never()).report(any(), any());
            // Connect hands the same records again once the source is back
            writer.failWith = null;
            wb.put(List.of(record("a", SITE_A, ReplicationStatus.COMPLETED)));
        }
        assertEquals(1, metrics.getEventsApplied());
        assertEquals(0, metrics.getFailures());
    }

    @Test
    void refusedCredentialsFailTheTaskNamingTheSetting() {
        writer.versions.put("a", StatusFixtures.pending());
        writer.failWith = AwsServiceException.builder().statusCode(403).message("denied")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidAccessKeyId").build()).build();
        try (StatusWriteBack wb = writeBack(dlq)) {
            ConnectException e = assertThrows(ConnectException.class,
                    () -> wb.put(List.of(record("a", SITE_A, ReplicationStatus.COMPLETED))));
            assertTrue(!(e instanceof RetriableException));
            assertTrue(e.getMessage().contains("source.s3.access.key.id"), e.getMessage());
        }
        verify(dlq, never()).report(any(), any());
    }

    @Test
    void accessDeniedOnOneObjectFailsThatEventOnly() {
        writer.versions.put("a", StatusFixtures.pending());
        writer.versions.put("b", StatusFixtures.pending());
        try (StatusWriteBack wb = writeBack(dlq)) {
            writer.failWith = AwsServiceException.builder().statusCode(403).message("bucket policy")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build()).build();
            wb.put(List.of(record("a", SITE_A, ReplicationStatus.COMPLETED)));
            writer.failWith = null;
            wb.put(List.of(record("b", SITE_A, ReplicationStatus.COMPLETED)));
        }
        verify(dlq).report(any(), any());
        assertEquals(1, metrics.getFailures(), "the denied event is counted and sent to the DLQ");
        assertEquals(1, metrics.getEventsApplied(), "the task went on with the next object");
    }

    @Test
    void mongoFailuresAreClassified() {
        writer.versions.put("a", StatusFixtures.pending());
        try (StatusWriteBack wb = writeBack(dlq)) {
            writer.failWith = new com.mongodb.MongoTimeoutException("no primary");
            assertThrows(RetriableException.class, () -> wb.put(List.of(record("a", SITE_A, ReplicationStatus.COMPLETED))));
            writer.failWith = new com.mongodb.MongoSecurityException(
                    com.mongodb.MongoCredential.createCredential("u", "admin", "p".toCharArray()), "auth failed");
            ConnectException e = assertThrows(ConnectException.class,
                    () -> wb.put(List.of(record("a", SITE_A, ReplicationStatus.COMPLETED))));
            assertTrue(!(e instanceof RetriableException) && e.getMessage().contains("InvalidCredentials"), e.getMessage());
        }
        verify(dlq, never()).report(any(), any());
    }
}
