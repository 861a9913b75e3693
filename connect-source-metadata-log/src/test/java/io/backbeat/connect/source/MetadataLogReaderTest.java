package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.testbed.mongo.MongoStandIn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reader against the MongoDB stand-in (real driver, real change streams), without Connect. */
class MetadataLogReaderTest {

    private MongoStandIn mongo;
    private MongoClient client;
    private final List<MetadataLogReader> readers = new ArrayList<>();

    @BeforeEach
    void start() {
        mongo = MongoStandIn.launch();
        client = MongoClients.create(mongo.connectionString());
    }

    @AfterEach
    void stop() {
        readers.forEach(MetadataLogReader::close);
        client.close();
        mongo.close();
    }

    private Map<String, String> props(String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put(MetadataLogSourceConfig.MONGODB_URI, mongo.connectionString());
        p.put(MetadataLogSourceConfig.STARTUP_MODE, "timestamp");
        p.put(MetadataLogSourceConfig.STARTUP_TIMESTAMP, "1");
        p.put(MetadataLogSourceConfig.POLL_AWAIT_MS, "50");
        p.put(MetadataLogSourceConfig.HEARTBEAT_INTERVAL_MS, "0");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    private MetadataLogReader reader(Map<String, String> props, Map<String, ?> offset) {
        MetadataLogSourceConfig config = new MetadataLogSourceConfig(props);
        MetadataLogReader r = new MetadataLogReader(config, offset,
                MongoConnections.open(config.connectionUri().value(), config.timeoutMs()),
                new SourceMetrics(System::currentTimeMillis), System::currentTimeMillis);
        readers.add(r);
        return r;
    }

    /** Polls until the records satisfy the condition (bounded). */
    private static List<SourceRecord> pollUntil(MetadataLogReader r, Predicate<List<SourceRecord>> done)
            throws InterruptedException {
        List<SourceRecord> all = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!done.test(all)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within 20 s; got " + all.size() + " records: " + all);
            }
            all.addAll(r.poll());
        }
        return all;
    }

    private static List<SourceRecord> onTopic(List<SourceRecord> records, String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    private static List<String> rendered(List<SourceRecord> records) {
        return onTopic(records, MetadataLogSourceConfig.DEFAULT_TOPIC).stream()
                .map(r -> ChangeEventConverterTest.render(LogEntry.fromStruct((Struct) r.value()))).toList();
    }

    private static int entries(List<SourceRecord> rs) {
        return onTopic(rs, MetadataLogSourceConfig.DEFAULT_TOPIC).size();
    }

    @Test
    void replayedTraceGivesTheExpectedEntriesEvenWhenReadLate() throws Exception {
        TraceReplay.replay(client); // everything written before the first read: lookups see the final state
        Thread.sleep(5);
        long readFrom = System.currentTimeMillis();
        MetadataLogReader r = reader(props(), null);
        List<SourceRecord> records = pollUntil(r, rs -> entries(rs) >= ChangeEventConverterTest.TRACE_ENTRIES.size());
        assertEquals(ChangeEventConverterTest.TRACE_ENTRIES, rendered(records));
        for (SourceRecord rec : onTopic(records, MetadataLogSourceConfig.DEFAULT_TOPIC)) {
            // the record's time is the journal's, the write's is in the entry: a sink tells replays by the gap
            long operationTimeMs = ((Struct) rec.value()).getInt64("operationTimeMs");
            assertTrue(operationTimeMs < readFrom, "written before the read: " + operationTimeMs);
            assertTrue(rec.timestamp() >= readFrom, "journaled at the read, got " + rec.timestamp() + " < " + readFrom);
        }
        for (SourceRecord rec : records) {
            assertEquals(Map.of("database", "metadata", "stream", "metadata-log"), rec.sourcePartition());
            assertNotNull(rec.sourceOffset().get(SourceOffsets.RESUME_TOKEN));
            assertEquals(((Struct) rec.value()).getString("bucket") + (((Struct) rec.value()).getString("objectKey")
                    == null ? "" : "/" + ((Struct) rec.value()).getString("objectKey")), rec.key());
        }
        SourceMetrics m = r.metrics();
        assertEquals(ChangeEventConverterTest.TRACE_ENTRIES.size(), m.getEntriesProduced());
        assertEquals(0, m.getSkippedFiltered(), "internal collections are filtered by the server-side pipeline");
        assertEquals(0, m.getMalformed());
        assertTrue(m.getLastEventClusterTimeMs() > 0);
    }

    @Test
    void resumesRightAfterTheStoredOffset() throws Exception {
        TraceReplay.replay(client);
        List<SourceRecord> first = pollUntil(reader(props(), null),
                rs -> entries(rs) >= ChangeEventConverterTest.TRACE_ENTRIES.size());
        SourceRecord tenth = first.get(9);
        List<SourceRecord> resumed = pollUntil(reader(props(), tenth.sourceOffset()),
                rs -> entries(rs) >= ChangeEventConverterTest.TRACE_ENTRIES.size() - 10);
        assertEquals(ChangeEventConverterTest.TRACE_ENTRIES.subList(10, ChangeEventConverterTest.TRACE_ENTRIES.size()),
                rendered(resumed));
    }

    @Test
    void entriesOfChangesWrittenBeforeTheTaskStartedAreMarkedAsPossibleReplays() throws Exception {
        TraceReplay.replay(client);
        MetadataLogReader first = reader(props(), null);
        List<SourceRecord> before = pollUntil(first, rs -> entries(rs) >= ChangeEventConverterTest.TRACE_ENTRIES.size());
        // a successor resuming from an earlier offset journals again what its predecessor had journaled
        MetadataLogReader successor = reader(props(), before.get(9).sourceOffset());
        List<SourceRecord> replayed = onTopic(pollUntil(successor,
                rs -> entries(rs) >= ChangeEventConverterTest.TRACE_ENTRIES.size() - 10), MetadataLogSourceConfig.DEFAULT_TOPIC);
        assertTrue(replayed.stream().allMatch(MetadataLogReaderTest::markedAsPossibleReplay),
                "every entry written before the successor started is marked");
        assertEquals(replayed.size(), successor.metrics().getEntriesMarkedPossibleReplay());

        client.getDatabase("metadata").getCollection("src").insertOne(new Document("_id", "\u007fMafter-start")
                .append("value", new Document("key", "after-start")));
        List<SourceRecord> fresh = onTopic(pollUntil(successor, rs -> entries(rs) >= 1),
                MetadataLogSourceConfig.DEFAULT_TOPIC);
        assertEquals("after-start", ((Struct) fresh.get(0).value()).getString("objectKey"));
        assertFalse(markedAsPossibleReplay(fresh.get(0)), "written after the successor started: a first journaling");
        assertEquals(replayed.size(), successor.metrics().getEntriesMarkedPossibleReplay());
    }

    private static boolean markedAsPossibleReplay(SourceRecord record) {
        return record.headers().lastWithName(LogEntry.POSSIBLE_REPLAY_HEADER) != null;
    }

    @Test
    void historyLostFailsWithTheRecoveryStepsByDefault() throws Exception {
        TraceReplay.replay(client);
        List<SourceRecord> first = pollUntil(reader(props(), null), rs -> entries(rs) >= 3);
        Map<String, ?> offset = first.get(2).sourceOffset();
        assertTrue(mongo.truncateHistoryBefore(mongo.clusterTime()) > 0);
        MetadataLogReader r = reader(props(), offset);
        ConnectException e = assertThrows(ConnectException.class, () -> pollUntil(r, rs -> false));
        assertTrue(e.getMessage().contains("history lost"), e.getMessage());
        assertTrue(e.getMessage().contains("PATCH /connectors/<name>/offsets"), e.getMessage());
        assertTrue(e.getMessage().contains("\"database\":\"metadata\",\"stream\":\"metadata-log\""), e.getMessage());
    }

    @Test
    void historyLostRestartsFromTheConfiguredTimestampWhenAskedTo() throws Exception {
        TraceReplay.replay(client);
        List<SourceRecord> first = pollUntil(reader(props(), null), rs -> entries(rs) >= 3);
        Map<String, ?> offset = first.get(2).sourceOffset();
        BsonTimestamp cut = mongo.clusterTime();
        mongo.truncateHistoryBefore(cut);
        client.getDatabase("metadata").getCollection("src").insertOne(new Document("_id", "\u007fMafter")
                .append("value", new Document("key", "after")));
        MetadataLogReader r = reader(props(MetadataLogSourceConfig.HISTORY_LOST_POLICY, "restart-from-timestamp",
                MetadataLogSourceConfig.STARTUP_TIMESTAMP, (cut.getTime() & 0xFFFFFFFFL) + ":" + cut.getInc()), offset);
        List<SourceRecord> after = pollUntil(r, rs -> rendered(rs).contains("object put src/after - master md"));
        assertEquals(1, r.metrics().getHistoryLostRestarts());
        assertFalse(rendered(after).isEmpty());
    }

    @Test
    void malformedDocumentIsReportedAndTheStreamGoesOn() throws Exception {
        MetadataLogReader r = reader(props(), null);
        var src = client.getDatabase("metadata").getCollection("src");
        src.insertOne(new Document("_id", "\u007fMbad").append("value", "not a document"));
        src.insertOne(new Document("_id", "\u007fMgood").append("value", new Document("key", "good")));
        List<SourceRecord> rs = pollUntil(r, x -> entries(x) >= 1);
        List<SourceRecord> errors = onTopic(rs, MetadataLogSourceConfig.DEFAULT_ERRORS_TOPIC);
        assertEquals(1, errors.size());
        Struct error = (Struct) errors.get(0).value();
        assertEquals("src", error.getString("bucket"));
        assertEquals("\u007fMbad", error.getString("rawKey"));
        assertTrue(error.getString("reason").contains("value"), error.getString("reason"));
        assertTrue(error.getString("event").contains("not a document"));
        assertEquals(List.of("object put src/good - master md"), rendered(rs));
        assertEquals(1, r.metrics().getMalformed());
        assertNotNull(errors.get(0).sourceOffset().get(SourceOffsets.RESUME_TOKEN), "the error record moves the offset");
    }

    @Test
    void heartbeatsStoreThePositionOfAQuietOrFilteredStream() throws Exception {
        MetadataLogReader r = reader(props(MetadataLogSourceConfig.STARTUP_MODE, "latest",
                MetadataLogSourceConfig.HEARTBEAT_INTERVAL_MS, "100"), null);
        // first poll pins the start position
        List<SourceRecord> pinned = pollUntil(r, rs -> !onTopic(rs, MetadataLogSourceConfig.DEFAULT_HEARTBEAT_TOPIC)
                .isEmpty());
        SourceRecord hb = onTopic(pinned, MetadataLogSourceConfig.DEFAULT_HEARTBEAT_TOPIC).get(0);
        assertEquals("metadata/metadata-log", hb.key());
        assertNull(hb.value());
        Object firstToken = hb.sourceOffset().get(SourceOffsets.RESUME_TOKEN);
        // writes the connector does not publish (internal collection) still move the stored position
        client.getDatabase("metadata").getCollection("__usersbucket").insertOne(new Document("_id", "x"));
        client.getDatabase("metadata").getCollection("src").insertOne(new Document("_id", "\u007fMk")
                .append("value", new Document("key", "k")));
        client.getDatabase("metadata").getCollection("__usersbucket").insertOne(new Document("_id", "y"));
        List<SourceRecord> later = pollUntil(r, rs -> rs.stream().anyMatch(x -> x.topic()
                .equals(MetadataLogSourceConfig.DEFAULT_HEARTBEAT_TOPIC)));
        SourceRecord hb2 = onTopic(later, MetadataLogSourceConfig.DEFAULT_HEARTBEAT_TOPIC).get(0);
        assertFalse(hb2.sourceOffset().get(SourceOffsets.RESUME_TOKEN).equals(firstToken));
        assertEquals(List.of("object put src/k - master md"), rendered(later));
        // the heartbeat after the entry stores a position past it: resuming there re-reads nothing
        List<SourceRecord> resumed = new ArrayList<>();
        MetadataLogReader again = reader(props(), hb2.sourceOffset());
        for (int i = 0; i < 5; i++) {
            resumed.addAll(again.poll());
        }
        assertEquals(List.of(), rendered(resumed));
    }

    @Test
    void internalCollectionsNeverLeaveTheServer() throws Exception {
        MetadataLogReader r = reader(props(), null);
        var db = client.getDatabase("metadata");
        db.getCollection("mpuShadowBucketsrc").insertOne(new Document("_id", "overview..|..k..|..u"));
        db.getCollection("__metastore").insertOne(new Document("_id", "mpuShadowBucketsrc")
                .append("value", new Document("name", "mpuShadowBucketsrc")));
        db.getCollection("PENSIEVE").insertOne(new Document("_id", "p"));
        db.getCollection("__metastore").insertOne(BsonDocument.parse("{_id: 'b1', value: {name: 'b1'}}")
                .entrySet().stream().collect(Document::new, (d, e) -> d.append(e.getKey(), e.getValue()), Document::putAll));
        List<SourceRecord> rs = pollUntil(r, x -> entries(x) >= 1);
        assertEquals(List.of("bucket put b1 - - md"), rendered(rs));
        assertEquals(1, r.metrics().getEventsRead());
    }

    @Test
    void unusableStoredOffsetNamesTheFix() {
        ConnectException e = assertThrows(ConnectException.class,
                () -> reader(props(), Map.of(SourceOffsets.RESUME_TOKEN, "{not json")));
        assertTrue(e.getMessage().contains("PATCH /connectors/<name>/offsets"), e.getMessage());
    }

    static BsonDocument token(String hex) {
        return new BsonDocument("_data", new BsonString(hex));
    }
}
