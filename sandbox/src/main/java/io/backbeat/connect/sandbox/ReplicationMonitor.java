package io.backbeat.connect.sandbox;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;

import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;

/**
 * Follows the status topic (what the replication sinks report per version and site) to show progress, to know
 * each replica's destination version id, to time completions (when this process first saw a version COMPLETED)
 * and to count duplicate copies (COMPLETED more than once). Reads with its own consumer group from the beginning.
 */
public final class ReplicationMonitor implements AutoCloseable {

    /** One version of one object at one site. */
    public record Target(String bucket, String key, String versionId, String site) {
    }

    /** Counts for one site at one moment. */
    public record SiteCounts(String site, int replicated, int failed, int pending, long bytes) {
    }

    /** The first COMPLETED event of a target and when this process read it (wall clock, ms). */
    public record Completion(long observedMs, StatusEvent event) {
    }

    private final Map<Target, StatusEvent> latest = new ConcurrentHashMap<>();
    private final Map<Target, Completion> firstCompletion = new ConcurrentHashMap<>();
    private final Map<Target, AtomicLong> completions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bytes = new ConcurrentHashMap<>();
    private final AtomicLong events = new AtomicLong();
    /** Per partition, the next offset not read yet: a group that rejoins re-reads from the start (no commits). */
    private final Map<Integer, Long> nextOffset = new HashMap<>();
    private final AtomicLong badRecords = new AtomicLong();
    private volatile String lastBadRecord;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final JsonConverter converter = new JsonConverter();
    private final Thread thread;
    private volatile boolean running = true;

    /** Reads each event as soon as it is on the topic: completion times are arrival times. */
    public ReplicationMonitor(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Duration.ZERO);
    }

    /**
     * Reads events in batches, up to {@code lateness} after they are on the topic: a fetch per event costs the
     * broker and this thread CPU that a throughput benchmark would count against the pipeline it measures.
     */
    public ReplicationMonitor(String bootstrapServers, String topic, Duration lateness) {
        converter.configure(Map.of("schemas.enable", "true"), false);
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "sandbox-monitor-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        if (lateness.isZero()) {
            props.put("fetch.max.wait.ms", "20"); // completion times are measured on arrival
        } else {
            props.put("fetch.min.bytes", Integer.toString(256 * 1024));
            props.put("fetch.max.wait.ms", Long.toString(lateness.toMillis()));
        }
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        thread = new Thread(this::run, "sandbox-status-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    accept(record);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        // after a broker restart the consumer rejoins without committed offsets and reads the topic again: an
        // event read twice must not count as a second completion
        if (record.offset() < nextOffset.getOrDefault(record.partition(), 0L)) {
            return;
        }
        nextOffset.put(record.partition(), record.offset() + 1);
        long now = System.currentTimeMillis();
        StatusEvent event;
        try {
            SchemaAndValue value = converter.toConnectData(record.topic(), record.value());
            event = StatusEvent.fromValue(value.value());
        } catch (RuntimeException e) {
            // a record we cannot read is counted and shown, never silently dropped
            badRecords.incrementAndGet();
            lastBadRecord = record.topic() + "-" + record.partition() + "@" + record.offset() + ": " + e.getMessage();
            return;
        }
        events.incrementAndGet();
        Target target = new Target(event.bucket(), event.objectKey(), event.versionId(), event.site());
        latest.put(target, event);
        if (event.status() == ReplicationStatus.COMPLETED) {
            firstCompletion.putIfAbsent(target, new Completion(now, event));
            completions.computeIfAbsent(target, t -> new AtomicLong()).incrementAndGet();
            if (event.contentLength() != null) {
                bytes.computeIfAbsent(event.site(), s -> new AtomicLong()).addAndGet(event.contentLength());
            }
        }
    }

    /**
     * The versions of {@code bucket} whose latest event is COMPLETED at every one of {@code sites} (as targets
     * without a site).
     */
    public List<Target> completedEverywhere(String bucket, Collection<String> sites) {
        String first = sites.iterator().next();
        List<Target> out = new java.util.ArrayList<>();
        for (Target t : latest.keySet()) {
            if (t.bucket().equals(bucket) && t.site().equals(first) && sites.stream().allMatch(site ->
                    latest(new Target(bucket, t.key(), t.versionId(), site)).map(StatusEvent::status)
                            .orElse(null) == ReplicationStatus.COMPLETED)) {
                out.add(new Target(bucket, t.key(), t.versionId(), null));
            }
        }
        return out;
    }

    /** The latest COMPLETED or FAILED event of a version at a site. */
    public Optional<StatusEvent> terminal(Target target) {
        return latest(target).filter(e -> e.status() == ReplicationStatus.COMPLETED
                || e.status() == ReplicationStatus.FAILED);
    }

    /** The first COMPLETED event of a version at a site, with the time it was read. */
    public Optional<Completion> firstCompletion(Target target) {
        return Optional.ofNullable(firstCompletion.get(target));
    }

    /** How many of the targets were reported COMPLETED at least once. */
    public int completedCount(Collection<Target> targets) {
        return (int) targets.stream().filter(firstCompletion::containsKey).count();
    }

    /**
     * COMPLETED events beyond the first, over the targets: entries completed again after a redelivery (copied
     * again, or found already replicated by the sink's replica check).
     */
    public long duplicates(Collection<Target> targets) {
        return targets.stream().mapToLong(t -> {
            AtomicLong n = completions.get(t);
            return n == null ? 0 : Math.max(0, n.get() - 1);
        }).sum();
    }

    /**
     * Waits until every target was reported COMPLETED; returns when the last of them was first read (wall clock, ms).
     *
     * @throws IllegalStateException naming missing (and FAILED) targets when the time runs out
     */
    public long awaitCompleted(Collection<Target> targets, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // only the targets still missing are looked at again: a full pass per wake-up would cost a benchmark's
        // measured path CPU in proportion to its size (completion times come from the monitor thread anyway)
        Set<Target> missing = new HashSet<>(targets);
        while (true) {
            missing.removeIf(firstCompletion::containsKey);
            if (missing.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                List<StatusEvent> failed = missing.stream().map(latest::get)
                        .filter(e -> e != null && e.status() == ReplicationStatus.FAILED).limit(3).toList();
                throw new IllegalStateException(missing.size() + " of " + targets.size() + " versions not COMPLETED "
                        + "after " + timeout.toSeconds() + " s, e.g. " + missing.stream().limit(5).toList()
                        + (failed.isEmpty() ? "" : "; FAILED e.g. " + failed));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for completions", e);
            }
        }
        return targets.stream().mapToLong(t -> firstCompletion.get(t).observedMs()).max()
                .orElse(System.currentTimeMillis());
    }

    /** The latest status event of a version at a site. */
    public Optional<StatusEvent> latest(Target target) {
        return Optional.ofNullable(latest.get(target));
    }

    /** Counts for a site over the expected targets of that site. */
    public SiteCounts counts(String site, Collection<Target> expected) {
        int replicated = 0;
        int failed = 0;
        int pending = 0;
        for (Target t : expected) {
            if (!t.site().equals(site)) {
                continue;
            }
            StatusEvent e = latest.get(t);
            if (e != null && e.status() == ReplicationStatus.COMPLETED) {
                replicated++;
            } else if (e != null && e.status() == ReplicationStatus.FAILED) {
                failed++;
            } else {
                pending++;
            }
        }
        AtomicLong b = bytes.get(site);
        return new SiteCounts(site, replicated, failed, pending, b == null ? 0 : b.get());
    }

    /** Counts for a site over every version it reported on, with pending = expected - replicated - failed. */
    public SiteCounts counts(String site, int expected) {
        int replicated = 0;
        int failed = 0;
        for (Map.Entry<Target, StatusEvent> e : latest.entrySet()) {
            if (e.getKey().site().equals(site)) {
                if (e.getValue().status() == ReplicationStatus.COMPLETED) {
                    replicated++;
                } else if (e.getValue().status() == ReplicationStatus.FAILED) {
                    failed++;
                }
            }
        }
        AtomicLong b = bytes.get(site);
        return new SiteCounts(site, replicated, failed, Math.max(0, expected - replicated - failed),
                b == null ? 0 : b.get());
    }

    public long events() {
        return events.get();
    }

    public long badRecords() {
        return badRecords.get();
    }

    public String lastBadRecord() {
        return lastBadRecord;
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
