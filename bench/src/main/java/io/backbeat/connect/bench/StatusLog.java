package io.backbeat.connect.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.json.JsonConverter;

import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.sandbox.ReplicationMonitor.Target;

/**
 * Follows the status topic and keeps, per version and site, when this process first saw it COMPLETED (wall
 * clock), the replica's write time the sink reported, and how many COMPLETED events arrived (more than one is a
 * duplicate copy). Unlike the sandbox's monitor it keeps timings, which the latency benchmark needs.
 */
public final class StatusLog implements AutoCloseable {

    /** First COMPLETED sighting of one target. */
    public record Completion(long observedMs, Long replicatedMs, long sourceWriteMs, Long bytes) {
    }

    private final Map<Target, Completion> completed = new ConcurrentHashMap<>();
    private final Map<Target, AtomicLong> completedEvents = new ConcurrentHashMap<>();
    private final Map<Target, StatusEvent> failed = new ConcurrentHashMap<>();
    private final AtomicLong unreadable = new AtomicLong();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final JsonConverter converter = new JsonConverter();
    private final Thread thread;
    private volatile boolean running = true;

    public StatusLog(String bootstrapServers, String topic) {
        converter.configure(Map.of("schemas.enable", "true"), false);
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "bench-status-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        props.put("fetch.max.wait.ms", "20");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        thread = new Thread(this::run, "bench-status-log");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    StatusEvent e;
                    try {
                        e = StatusEvent.fromValue(converter.toConnectData(record.topic(), record.value()).value());
                    } catch (RuntimeException ex) {
                        unreadable.incrementAndGet();
                        continue;
                    }
                    Target t = new Target(e.bucket(), e.objectKey(), e.versionId(), e.site());
                    if (e.status() == ReplicationStatus.COMPLETED) {
                        completed.putIfAbsent(t, new Completion(now, e.replicatedTimeMs(), e.sourceWriteTimeMs(),
                                e.contentLength()));
                        completedEvents.computeIfAbsent(t, k -> new AtomicLong()).incrementAndGet();
                    } else if (e.status() == ReplicationStatus.FAILED) {
                        failed.put(t, e);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    public Completion completion(Target t) {
        return completed.get(t);
    }

    /** How many targets are COMPLETED. */
    public int completedCount(Collection<Target> targets) {
        int n = 0;
        for (Target t : targets) {
            if (completed.containsKey(t)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Waits until every target is COMPLETED; returns the wall-clock time of the last first sighting.
     *
     * @throws IllegalStateException naming the missing targets when the time runs out
     */
    public long awaitCompleted(Collection<Target> targets, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completedCount(targets) < targets.size()) {
            if (System.nanoTime() > deadline) {
                List<Target> missing = targets.stream().filter(t -> !completed.containsKey(t)).limit(5).toList();
                throw new IllegalStateException((targets.size() - completedCount(targets)) + " of " + targets.size()
                        + " versions not COMPLETED after " + timeout.toSeconds() + " s, e.g. " + missing
                        + (failed.isEmpty() ? "" : "; FAILED e.g. " + failed.values().stream().limit(3).toList()));
            }
            sleep(20);
        }
        return targets.stream().mapToLong(t -> completed.get(t).observedMs()).max().orElse(System.currentTimeMillis());
    }

    /** COMPLETED events beyond the first, over the given targets (redelivered copies). */
    public long duplicates(Collection<Target> targets) {
        long d = 0;
        for (Target t : targets) {
            AtomicLong n = completedEvents.get(t);
            if (n != null && n.get() > 1) {
                d += n.get() - 1;
            }
        }
        return d;
    }

    public long unreadable() {
        return unreadable.get();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
