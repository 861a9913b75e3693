package io.backbeat.connect.source;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.testbed.kafka.ConnectCluster;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

/** Reads what the connector wrote (JsonConverter with schemas, as the test workers are set up). */
final class ConnectTopics {

    private ConnectTopics() {
    }

    static Struct value(String topic, byte[] bytes) {
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "true"), false);
        return (Struct) json.toConnectData(topic, bytes).value();
    }

    /** Every record of the topic so far (read_committed: aborted transactions are invisible). */
    static List<ConsumerRecord<byte[], byte[]>> all(ConnectCluster connect, String topic) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = connect.kafka().createConsumer(Map.of(
                "isolation.level", "read_committed", "auto.offset.reset", "earliest",
                "group.id", "source-test-" + UUID.randomUUID()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed end offsets: the last stable offset, past aborted transactions
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("could not read " + topic + " up to " + end + " within 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static List<LogEntry> entries(ConnectCluster connect, String topic) throws Exception {
        return all(connect, topic).stream().map(r -> LogEntry.fromStruct(value(topic, r.value()))).toList();
    }
}
