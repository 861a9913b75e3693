package io.backbeat.connect.sandbox.faults;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.json.JsonConverter;

import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sandbox.ReplicationMonitor.Target;

/** Counts status events per version and site: COMPLETED more than once is a duplicate copy. */
final class StatusCounter implements AutoCloseable {

    private final Map<Target, AtomicInteger> completed = new ConcurrentHashMap<>();
    private final Map<Target, StatusEvent> terminal = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final JsonConverter converter = new JsonConverter();
    private final Thread thread;
    private volatile boolean running = true;

    StatusCounter(String bootstrapServers, String topic) {
        converter.configure(Map.of("schemas.enable", "true"), false);
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers, "group.id",
                "faults-counter-" + UUID.randomUUID(), "auto.offset.reset", "earliest", "enable.auto.commit", "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        thread = new Thread(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        StatusEvent e = StatusEvent.fromValue(converter.toConnectData(r.topic(), r.value()).value());
                        Target t = new Target(e.bucket(), e.objectKey(), e.versionId(), e.site());
                        if (e.status() == ReplicationStatus.COMPLETED) {
                            completed.computeIfAbsent(t, k -> new AtomicInteger()).incrementAndGet();
                        }
                        if (e.status() == ReplicationStatus.COMPLETED || e.status() == ReplicationStatus.FAILED) {
                            terminal.put(t, e);
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close(Duration.ofSeconds(2));
            }
        }, "faults-status-counter");
        thread.setDaemon(true);
        thread.start();
    }

    long duplicates(Collection<Target> targets) {
        return targets.stream().mapToLong(t -> {
            AtomicInteger n = completed.get(t);
            return n == null ? 0 : Math.max(0, n.get() - 1);
        }).sum();
    }

    /** The last COMPLETED or FAILED event of a target, or null. */
    StatusEvent terminal(Target t) {
        return terminal.get(t);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
    }
}
