package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.VersionIds;
import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.kafka.ConnectCluster;
import io.backbeat.connect.testbed.kafka.WorkerProcess;
import io.backbeat.connect.testbed.mongo.MongoStandIn;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;

/**
 * A long replay of CloudServer-style versioned puts (version document, then master) while the connector is
 * restarted, its worker leaves gracefully, and then its worker is killed with SIGKILL. Checks that no entry is
 * lost, that entries keep their order, and counts duplicates (the caller decides how many are allowed).
 */
final class FailoverReplay {

    static final int OBJECTS = 2_500; // 5,000 writes, 5,000 entries
    static final String CONNECTOR = "failover";
    static final String TOPIC = "failover-log";
    private static final Duration WAIT = Duration.ofSeconds(180);
    /** A restarted task may still read FAILED for a moment: no second restart within this time. */
    private static final Duration RESTART_SPACING = Duration.ofSeconds(10);

    /**
     * What the topic held at the end.
     *
     * @param unmarkedReplays entries journaled again without {@link LogEntry#POSSIBLE_REPLAY_HEADER}
     */
    record Outcome(int records, int distinct, int duplicates, int unmarkedReplays, String failures) {
    }

    private FailoverReplay() {
    }

    static Outcome run(ConnectCluster connect, Map<String, String> extraConfig) throws Exception {
        try (MongoStandIn mongo = MongoStandIn.launch(); MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase db = client.getDatabase("metadata");
            db.createCollection("__metastore");
            connect.createTopic(TOPIC, 1);
            BsonTimestamp start = mongo.clusterTime();
            WorkerProcess process = connect.startWorkerProcess(Duration.ofSeconds(180));

            Map<String, String> config = new HashMap<>();
            config.put("name", CONNECTOR);
            config.put("connector.class", MetadataLogSourceConnector.class.getName());
            config.put("tasks.max", "1");
            config.put("topic.creation.default.replication.factor", "1");
            config.put("topic.creation.default.partitions", "1");
            config.put(MetadataLogSourceConfig.MONGODB_URI, mongo.connectionString());
            config.put(MetadataLogSourceConfig.TOPIC, TOPIC);
            config.put(MetadataLogSourceConfig.STARTUP_MODE, "timestamp");
            config.put(MetadataLogSourceConfig.STARTUP_TIMESTAMP, (start.getTime() & 0xFFFFFFFFL) + ":" + start.getInc());
            config.put(MetadataLogSourceConfig.POLL_AWAIT_MS, "200");
            config.put(MetadataLogSourceConfig.BATCH_SIZE, "200");
            config.putAll(extraConfig);
            connect.configureConnector(CONNECTOR, config);
            connect.awaitRunning(CONNECTOR, 1, WAIT);

            AtomicInteger written = new AtomicInteger();
            AtomicReference<Throwable> writerError = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    write(db, written);
                } catch (Throwable t) {
                    writerError.set(t);
                }
            }, "failover-writer");
            writer.start();
            StringBuilder events = new StringBuilder();

            awaitWritten(written, OBJECTS / 5, writerError);
            events.append("restart requested with ").append(ConnectTopics.all(connect, TOPIC).size()).append(" records; ");
            connect.embedded().restartConnectorAndTasks(CONNECTOR, false, true, false);
            events.append("restarted connector+task at ").append(written.get()).append(" objects; ");
            connect.awaitRunning(CONNECTOR, 1, WAIT);

            awaitWritten(written, OBJECTS * 2 / 5, writerError);
            // the in-JVM worker leaves gracefully: everything moves to the separate worker process
            events.append("worker leaves with ").append(ConnectTopics.all(connect, TOPIC).size()).append(" records; ");
            for (WorkerHandle w : new ArrayList<>(connect.workers())) {
                connect.removeWorker(w);
            }
            events.append("in-JVM worker left at ").append(written.get()).append(" objects; ");
            // every record from here on comes from the worker process (the in-JVM worker and its task are gone)
            int atLeave = ConnectTopics.all(connect, TOPIC).size();
            AtomicLong lastRestart = new AtomicLong(System.nanoTime() - RESTART_SPACING.toNanos());
            Await.until(WAIT, "task RUNNING on worker process " + process.workerId(),
                    () -> process.workerId().equals(taskWorker(process, events, lastRestart)),
                    () -> "status " + status(process) + "; the worker process's log ends:\n" + process.logTail());
            // the kill must hit a task that has produced; when the writer finished during the move the process may
            // have caught up with all of it before we look, so "everything is there" counts as well
            Await.until(WAIT, "the task on the worker process producing entries",
                    () -> ConnectTopics.all(connect, TOPIC).size() > atLeave + 100
                            || !writer.isAlive() && distinct(connect) >= 2 * OBJECTS);

            events.append("kill with ").append(ConnectTopics.all(connect, TOPIC).size()).append(" records; ");
            process.kill(); // SIGKILL: no offset flush, no transaction commit, no group leave
            events.append("worker process killed at ").append(written.get()).append(" objects; ");
            WorkerHandle fresh = connect.addWorker();
            connect.awaitTasksOn(CONNECTOR, 1, Set.of(ConnectCluster.workerId(fresh)), WAIT);

            writer.join(WAIT.toMillis());
            if (writerError.get() != null) {
                throw new AssertionError("writer failed", writerError.get());
            }
            assertEquals(OBJECTS, written.get());
            Await.until(WAIT, "all " + 2 * OBJECTS + " entries on " + TOPIC, () -> distinct(connect) >= 2 * OBJECTS);
            List<ConsumerRecord<byte[], byte[]>> records = ConnectTopics.all(connect, TOPIC);
            List<LogEntry> entries = records.stream()
                    .map(r -> LogEntry.fromStruct(ConnectTopics.value(TOPIC, r.value()))).toList();
            String failures = checkOrder(entries);
            connect.deleteConnector(CONNECTOR);
            System.out.println("FailoverReplay: " + events + entries.size() + " records");
            int distinct = new HashSet<>(entries.stream().map(LogEntry::rawKey).toList()).size();
            return new Outcome(entries.size(), distinct, entries.size() - distinct, unmarkedReplays(records, entries),
                    failures);
        }
    }

    /** Entries seen earlier in the topic whose record lacks the possible-replay header. */
    private static int unmarkedReplays(List<ConsumerRecord<byte[], byte[]>> records, List<LogEntry> entries) {
        Set<String> seen = new HashSet<>();
        int unmarked = 0;
        for (int i = 0; i < entries.size(); i++) {
            boolean again = !seen.add(entries.get(i).rawKey());
            if (again && records.get(i).headers().lastHeader(LogEntry.POSSIBLE_REPLAY_HEADER) == null) {
                unmarked++;
            }
        }
        return unmarked;
    }

    private static int distinct(ConnectCluster connect) throws Exception {
        Set<String> keys = new HashSet<>();
        ConnectTopics.entries(connect, TOPIC).forEach(e -> keys.add(e.rawKey()));
        return keys.size();
    }

    /** Writes the objects as CloudServer does: one command per put, version statement then master statement. */
    private static void write(MongoDatabase db, AtomicInteger written) {
        for (int i = 0; i < OBJECTS; i++) {
            String key = "obj-" + i;
            String vid = versionId(i);
            BsonDocument value = new BsonDocument("key", new BsonString(key))
                    .append("versionId", new BsonString(vid))
                    .append("content-length", new BsonInt32(i))
                    .append("isDeleteMarker", BsonBoolean.FALSE);
            BsonArray updates = new BsonArray(List.of(
                    upsert("\u007fV" + key + "\u0000" + vid, value),
                    upsert("\u007fM" + key, value)));
            db.runCommand(new BsonDocument("update", new BsonString("photos")).append("updates", updates));
            written.incrementAndGet();
        }
    }

    private static BsonDocument upsert(String id, BsonDocument value) {
        return new BsonDocument("q", new BsonDocument("_id", new BsonString(id)))
                .append("u", new BsonDocument("$set", new BsonDocument("_id", new BsonString(id)).append("value", value)))
                .append("upsert", BsonBoolean.TRUE);
    }

    static String versionId(int i) {
        return String.format("%020d", 98204691715422999L - i) + "RG001  1." + i;
    }

    /** The entry of write n (2i = version of object i, 2i+1 = its master). */
    private static int index(LogEntry e) {
        int i = Integer.parseInt(e.objectKey().substring("obj-".length()));
        return 2 * i + (e.metadataKey().isMaster() ? 1 : 0);
    }

    /**
     * At-least-once allows re-delivery from an earlier point, never a jump ahead: every entry's index is at
     * most one past the highest seen so far.
     */
    private static String checkOrder(List<LogEntry> entries) {
        StringBuilder failures = new StringBuilder();
        int highest = -1;
        for (int pos = 0; pos < entries.size(); pos++) {
            LogEntry e = entries.get(pos);
            int idx = index(e);
            if (idx <= highest && (pos == 0 || index(entries.get(pos - 1)) != idx - 1)) {
                System.out.println("FailoverReplay: re-delivery starts at record " + pos + " with entry " + idx
                        + " (highest so far " + highest + ")");
            }
            if (idx > highest + 1) {
                failures.append("gap at record ").append(pos).append(": entry ").append(idx).append(" after ")
                        .append(highest).append("; ");
            }
            highest = Math.max(highest, idx);
            String expectedVersion = VersionIds.encode(versionId(idx / 2));
            if (!expectedVersion.equals(e.versionId())) {
                failures.append("record ").append(pos).append(" has version ").append(e.versionId()).append("; ");
            }
        }
        return failures.toString();
    }

    private static void awaitWritten(AtomicInteger written, int n, AtomicReference<Throwable> writerError) {
        Await.until(WAIT, n + " objects written", () -> {
            if (writerError.get() != null) {
                throw new AssertionError("writer failed", writerError.get());
            }
            return written.get() >= n;
        });
    }

    /**
     * The worker running the task, or null while it is not RUNNING. A task FAILED in zombie fencing because the
     * leader it forwarded the fencing request to had just left is restarted, as an operator would (Connect does
     * not retry that request; see docs/source-connector.md); any other failure ends the test at once.
     */
    private static String taskWorker(WorkerProcess process, StringBuilder events, AtomicLong lastRestart)
            throws Exception {
        HttpResponse<String> r = statusResponse(process);
        if (r.statusCode() != 200) {
            return null;
        }
        JsonNode tasks = new ObjectMapper().readTree(r.body()).path("tasks");
        if (tasks.size() != 1) {
            return null;
        }
        JsonNode task = tasks.get(0);
        String state = task.path("state").asText();
        if ("FAILED".equals(state)) {
            String trace = task.path("trace").asText();
            if (!trace.contains("IO Error trying to forward REST request") || !trace.contains("fenceZombieSourceTasks")) {
                throw new AssertionError("task FAILED on " + task.path("worker_id").asText() + ": " + trace);
            }
            if (System.nanoTime() - lastRestart.get() < RESTART_SPACING.toNanos()) {
                return null;
            }
            lastRestart.set(System.nanoTime());
            events.append("task FAILED in zombie fencing (leader gone), restarted; ");
            HttpResponse<String> restart = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    process.url().resolve("connectors/" + CONNECTOR + "/tasks/0/restart"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (restart.statusCode() / 100 != 2) {
                throw new AssertionError("task restart refused: " + restart.statusCode() + " " + restart.body());
            }
            return null;
        }
        return "RUNNING".equals(state) ? task.path("worker_id").asText() : null;
    }

    private static HttpResponse<String> statusResponse(WorkerProcess process) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                process.url().resolve("connectors/" + CONNECTOR + "/status")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The connector's status as the worker process answers it, for a failure message. */
    private static String status(WorkerProcess process) {
        try {
            HttpResponse<String> r = statusResponse(process);
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            return "unavailable (" + e + ")";
        }
    }

    static void assertNoLoss(Outcome o) {
        assertEquals(2 * OBJECTS, o.distinct(), "distinct entries");
        assertTrue(o.failures().isEmpty(), o.failures());
    }
}
