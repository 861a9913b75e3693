package io.backbeat.connect.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.kafka.ConnectCluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two extensions on the one metadata log, in real distributed Connect workers: a replication sink for site
 * "zenko" behind ReplicationFilter, and a custom extension composed only of configuration (Kafka's Filter
 * with this module's predicates, then KeyNameFilter). Each must see exactly its share of the entries of the
 * recorded CloudServer trace; heartbeats and invalid records must not stop either of them.
 */
class TwoExtensionsOnOneTopicTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String LOG = LogEntry.TOPIC;
    private static final String HEARTBEATS = FilterOptions.DEFAULT_HEARTBEAT_TOPIC;
    private static final String DLQ = "crr-zenko-dlq";

    private static ConnectCluster connect;
    /** What was produced to the log topic, by offset: a fixture label or a description of the bad record. */
    private static final List<String> produced = new ArrayList<>();

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        connect = ConnectCluster.builder().name("smt-filters").workers(2).start();
        System.out.printf("cluster up after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        connect.createTopic(LOG, 1);
        connect.createTopic(HEARTBEATS, 1);

        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "true"), false);
        List<FixtureEntries.Derived> entries = FixtureEntries.derive();
        for (int i = 0; i < entries.size(); i++) {
            if (i == 3) {
                connect.produce(LOG, "src/bad-null", null);
                produced.add("invalid: null value");
            }
            if (i == 20) {
                connect.produce(LOG, "src/bad-string", "{\"schema\":{\"type\":\"string\",\"optional\":false},"
                        + "\"payload\":\"not an entry\"}");
                produced.add("invalid: string value");
            }
            LogEntry e = entries.get(i).entry();
            connect.produce(LOG, e.kafkaKey(),
                    new String(json.fromConnectData(LOG, LogEntry.SCHEMA, e.toStruct()), StandardCharsets.UTF_8));
            produced.add(entries.get(i).label());
        }
        connect.produce(HEARTBEATS, "metadata/metadata-log", null);
        System.out.printf("%d records produced after %d ms%n", produced.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
    }

    @Test
    void eachExtensionSeesExactlyItsShare() throws Exception {
        long t0 = System.nanoTime();
        Map<String, String> crr = sink("crr-zenko", LOG + "," + HEARTBEATS);
        crr.put("transforms", "replication");
        crr.put("transforms.replication.type", ReplicationFilter.class.getName());
        crr.put("transforms.replication.site", "zenko");
        // invalid records fail the transform; Connect's error handling routes them to the DLQ
        crr.put("errors.tolerance", "all");
        crr.put("errors.deadletterqueue.topic.name", DLQ);
        crr.put("errors.deadletterqueue.topic.replication.factor", "1");
        crr.put("errors.deadletterqueue.context.headers.enable", "true");

        Map<String, String> custom = sink("k1-no-delete-markers", LOG);
        custom.put("transforms", "onlySrc,noDeleteMarkers,k1");
        custom.put("transforms.onlySrc.type", "org.apache.kafka.connect.transforms.Filter");
        custom.put("transforms.onlySrc.predicate", "isSrc");
        custom.put("transforms.onlySrc.negate", "true");
        custom.put("transforms.noDeleteMarkers.type", "org.apache.kafka.connect.transforms.Filter");
        custom.put("transforms.noDeleteMarkers.predicate", "deleteMarker");
        custom.put("transforms.k1.type", KeyNameFilter.class.getName());
        custom.put("transforms.k1.key.pattern", "^k1$");
        custom.put("predicates", "isSrc,deleteMarker");
        custom.put("predicates.isSrc.type", BucketNameMatches.class.getName());
        custom.put("predicates.isSrc.pattern", "^src$");
        // with negate=true, answering false for an invalid record makes the Filter drop it
        custom.put("predicates.isSrc.on.invalid", "false");
        custom.put("predicates.deleteMarker.type", IsDeleteMarker.class.getName());

        connect.configureConnector("crr-zenko", crr);
        connect.configureConnector("k1-no-delete-markers", custom);
        connect.awaitRunning("crr-zenko", 1, WAIT);
        connect.awaitRunning("k1-no-delete-markers", 1, WAIT);
        System.out.printf("connectors running after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        awaitConsumed("crr-zenko", Map.of(new TopicPartition(LOG, 0), (long) produced.size(),
                new TopicPartition(HEARTBEATS, 0), 1L));
        awaitConsumed("k1-no-delete-markers", Map.of(new TopicPartition(LOG, 0), (long) produced.size()));
        System.out.printf("all records consumed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        assertEquals(List.of(
                "12 put src/k1 V", "14 put src/k1 V", "16 put src/dir/k2 V", "18 put src/k1 V", "20 put src/k1 V",
                "28 put src/big V", "39 put src/k1 V", "49 put src/k3 V"),
                seen("crr-zenko"));
        assertEquals(List.of(
                "12 put src/k1 V", "13 put src/k1 M", "14 put src/k1 V", "15 put src/k1 M", "18 put src/k1 V",
                "19 put src/k1 M", "20 put src/k1 V", "21 put src/k1 M", "40 delete src/k1 M", "51 put src/k1 V"),
                seen("k1-no-delete-markers"));

        List<ConsumerRecord<byte[], byte[]>> dead = connect.consume(2, WAIT, DLQ);
        assertEquals(2, dead.size());
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String offset = header(r, "__connect.errors.offset");
            String message = header(r, "__connect.errors.exception.message");
            assertTrue(produced.get(Integer.parseInt(offset)).startsWith("invalid: "), offset);
            assertTrue(message.startsWith("ReplicationFilter: record " + LOG + "-0@" + offset + " key 'src/bad-"),
                    message);
        }

        // neither task died on the bad records
        connect.awaitRunning("crr-zenko", 1, WAIT);
        connect.awaitRunning("k1-no-delete-markers", 1, WAIT);
    }

    private static Map<String, String> sink(String name, String topics) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", RecordingSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", topics);
        config.put("consumer.override.auto.offset.reset", "earliest");
        return config;
    }

    /** Waits until the sink's consumer group committed past every produced record (kept or dropped). */
    private static void awaitConsumed(String connector, Map<TopicPartition, Long> ends) throws Exception {
        try (Admin admin = connect.kafka().createAdminClient()) {
            Map<TopicPartition, Long> committed = new HashMap<>();
            Await.until(WAIT, connector + " to commit " + ends, () -> {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin
                        .listConsumerGroupOffsets("connect-" + connector).partitionsToOffsetAndMetadata().get();
                committed.clear();
                offsets.forEach((tp, o) -> committed.put(tp, o == null ? null : o.offset()));
                return ends.entrySet().stream().allMatch(e -> e.getValue().equals(committed.get(e.getKey())));
            }, () -> "committed " + committed + ", received " + RecordingSinkConnector.received(connector));
        }
    }

    /** The fixture labels of the log records the connector's sink received, in offset order. */
    private static List<String> seen(String connector) {
        return RecordingSinkConnector.received(connector).keySet().stream()
                .map(k -> k.split("@"))
                .filter(k -> k[0].equals(LOG) || fail("unexpected record from " + k[0] + " in " + connector))
                .mapToInt(k -> Integer.parseInt(k[1]))
                .sorted()
                .mapToObj(produced::get)
                .toList();
    }

    private static boolean fail(String message) {
        throw new AssertionError(message);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertTrue(h != null, () -> "DLQ record without header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
