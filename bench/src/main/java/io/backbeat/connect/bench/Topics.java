package io.backbeat.connect.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Record counts of a topic (sum of end offsets), to see when the source connector has caught up. */
final class Topics implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;

    Topics(String bootstrapServers, String topic) {
        this.topic = topic;
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    long records() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        return consumer.endOffsets(partitions, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue)
                .sum();
    }

    /**
     * Waits until the topic holds at least {@code atLeast} records and has not grown for {@code quiet};
     * returns the count, the time (nanoTime) it last grew and the time it first grew (0 when it never did).
     */
    long[] awaitQuiet(long atLeast, Duration quiet, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = records();
        long lastGrowth = System.nanoTime();
        long firstGrowth = 0;
        while (true) {
            sleep(25);
            long now = records();
            if (now != last) {
                last = now;
                lastGrowth = System.nanoTime();
                firstGrowth = firstGrowth == 0 ? lastGrowth : firstGrowth;
            } else if (last >= atLeast && System.nanoTime() - lastGrowth >= quiet.toNanos()) {
                return new long[] {last, lastGrowth, firstGrowth};
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(topic + " holds " + last + " records, expected at least " + atLeast
                        + " within " + timeout.toSeconds() + " s");
            }
        }
    }

    /**
     * The earliest record timestamp per object key among the topic's records whose key contains {@code marker}
     * (object key = from the marker to the first NUL: version keys carry their version id after one).
     */
    Map<String, Long> firstTimestamps(String marker) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<String, Long> first = new java.util.HashMap<>();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                String key = r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                int at = key.indexOf(marker);
                if (at >= 0) {
                    int nul = key.indexOf('\u0000', at);
                    first.merge(key.substring(at, nul < 0 ? key.length() : nul), r.timestamp(), Math::min);
                }
            });
        }
        consumer.assign(List.of());
        return first;
    }

    @Override
    public void close() {
        consumer.close();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
