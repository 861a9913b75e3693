package io.backbeat.connect.sink.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.sink.retry.ReplicationFailure;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.RetryPolicy;
import io.backbeat.connect.testbed.LocalPorts;
import io.backbeat.connect.testbed.s3.S3Endpoint;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * How failures reach Connect's error handling. The error reporter is the unit's collaborator (mocked); the
 * failing entries fail for real, without S3 (bad records, unreadable metadata) or on S3 (nothing listening).
 */
class RecordTaggerTest {

    private static S3Client nowhere;
    private static ObjectTagger tagger;

    @BeforeAll
    static void start() {
        nowhere = TaggingFixtures.countingClient(new S3Endpoint(URI.create("http://127.0.0.1:" + LocalPorts.free()),
                "us-east-1", "k", "s"), new TaggingFixtures.CallCounter());
        tagger = new ObjectTagger(nowhere, Map.of("hello", "world"), new Retrier(new RetryPolicy(0, 0, 0, 0, 0, 1)));
    }

    @AfterAll
    static void stop() {
        nowhere.close();
    }

    private static SinkRecord record(Object value, long offset) {
        return new SinkRecord(LogEntry.TOPIC, 3, Schema.STRING_SCHEMA, "src/helloworld", null, value, offset);
    }

    private static SinkRecord entry(String metadata, long offset) {
        LogEntry e = LogEntry.object(LogEntry.Type.PUT, "src", "helloworld", "v1",
                "\u007fVhelloworld\u0000" + TaggingFixtures.INTERNAL_VERSION, metadata, 1L);
        return record(e.toStruct(), offset);
    }

    @Test
    void failuresGoToTheErrorReporterAndTheTaskGoesOn() {
        ErrantRecordReporter reporter = mock(ErrantRecordReporter.class);
        when(reporter.report(any(), any())).thenReturn(CompletableFuture.completedFuture(null));
        RecordTagger records = new RecordTagger(tagger, reporter, true);
        SinkRecord notAnEntry = record("just a string", 7);
        SinkRecord unreadable = entry("{oops", 8);
        SinkRecord unreachable = entry(TaggingFixtures.metadata("helloworld", Map.of()).toJson(), 9);
        SinkRecord deleteMarker = entry(TaggingFixtures.metadata("helloworld", Map.of())
                .withField("isDeleteMarker", true).toJson(), 10);

        records.put(List.of(notAnEntry, unreadable, unreachable, deleteMarker));

        ArgumentCaptor<Throwable> why = ArgumentCaptor.forClass(Throwable.class);
        verify(reporter).report(eq(notAnEntry), why.capture());
        verify(reporter).report(eq(unreadable), why.capture());
        verify(reporter).report(eq(unreachable), why.capture());
        verifyNoMoreInteractions(reporter);
        assertTrue(why.getAllValues().get(0).getMessage().contains("LogEntry"), why.getAllValues().get(0).getMessage());
        assertEquals("SrcInvalidMetadata", ((ReplicationFailure) why.getAllValues().get(1)).reason());
        assertEquals("SrcUnreachable", ((ReplicationFailure) why.getAllValues().get(2)).reason());
        RecordTagger.Stats stats = records.stats();
        assertEquals(1, stats.badRecords.get());
        assertEquals(2, stats.failed.get());
        assertEquals(1, stats.skipped.get());
    }

    @Test
    void withoutReporterToleranceAllLogsAndGoesOn() {
        RecordTagger records = new RecordTagger(tagger, null, true);
        records.put(List.of(entry("{oops", 1), record(42, 2), entry(TaggingFixtures.metadata("helloworld", Map.of())
                .withField("deleted", true).toJson(), 3)));
        assertEquals(1, records.stats().failed.get());
        assertEquals(1, records.stats().badRecords.get());
        assertEquals(1, records.stats().skipped.get());
    }

    @Test
    void withoutReporterToleranceNoneFailsTheTaskNamingTheRecord() {
        RecordTagger records = new RecordTagger(tagger, null, false);
        ConnectException e = assertThrows(ConnectException.class, () -> records.put(List.of(entry("{oops", 5))));
        assertTrue(e.getMessage().startsWith("record backbeat-metadata-log-3@5 (LogEntry[object put src/helloworld "
                + "version v1 at 1]) could not be tagged after 0 retries: SrcInvalidMetadata"), e.getMessage());
        assertTrue(e.getMessage().contains("errors.tolerance=all"), e.getMessage());
    }
}
