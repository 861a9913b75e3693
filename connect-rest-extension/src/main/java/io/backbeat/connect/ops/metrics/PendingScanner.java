package io.backbeat.connect.ops.metrics;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.ops.EntryCodec;
import io.backbeat.connect.smt.ReplicationDecision;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What still waits in Kafka for a site: the metadata-log records past the offsets its sink connector has
 * committed (not yet delivered, or delivered and not yet finished), counted only when the site's replication
 * decision keeps them. Exact up to the connector's offset commit interval.
 */
public class PendingScanner {

    private static final Logger log = LoggerFactory.getLogger(PendingScanner.class);

    private final Admin admin;
    private final Map<String, Object> clientProps;
    private final EntryCodec codec;
    private final String topic;
    private final long maxRecords;
    private final Duration timeout;

    public PendingScanner(Admin admin, Map<String, Object> clientProps, EntryCodec codec, String topic,
                          long maxRecords, Duration timeout) {
        this.admin = admin;
        this.clientProps = clientProps;
        this.codec = codec;
        this.topic = topic;
        this.maxRecords = maxRecords;
        this.timeout = timeout;
    }

    /** Pending entries of one connector (consumer group) for one site. */
    public Pending scan(String site, String consumerGroup) {
        try {
            List<TopicPartitionInfo> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (TopicPartitionInfo p : partitions) {
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                    admin.listOffsets(earliest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(consumerGroup)
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);

            Map<TopicPartition, Long> from = new HashMap<>();
            Map<TopicPartition, Long> to = new HashMap<>();
            for (TopicPartition tp : ends.keySet()) {
                OffsetAndMetadata c = committed.get(tp);
                // a sink without a committed offset starts at the earliest record (Connect's default reset)
                long start = Math.max(c == null ? 0 : c.offset(), starts.get(tp).offset());
                long end = ends.get(tp).offset();
                if (end > start) {
                    from.put(tp, start);
                    to.put(tp, end);
                }
            }
            return read(site, from, to);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Could not read the offsets of " + consumerGroup + " on " + topic + ": "
                    + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Timed out reading the offsets of " + consumerGroup + " on " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private Pending read(String site, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        if (from.isEmpty()) {
            return new Pending(0, 0, 0, false);
        }
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "backbeat-ops-backlog");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        ReplicationDecision decision = new ReplicationDecision(site, List.of());
        long count = 0;
        long bytes = 0;
        long unreadable = 0;
        long seen = 0;
        boolean truncated = false;
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> remaining = new HashMap<>(to);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!remaining.isEmpty()) {
                if (seen >= maxRecords || System.nanoTime() > deadline) {
                    truncated = true;
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long end = remaining.get(tp);
                    if (end == null || r.offset() >= end) {
                        continue;
                    }
                    seen++;
                    try {
                        LogEntry entry = codec.readLogEntry(topic, r.value());
                        if (decision.decide(entry).keep()) {
                            count++;
                            ObjectMetadata md = entry.objectMetadata();
                            bytes += md == null ? 0 : md.contentLength();
                        }
                    } catch (RuntimeException e) {
                        unreadable++;
                        log.debug("Unreadable metadata-log record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                    }
                }
                for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                    if (consumer.position(tp) >= remaining.get(tp)) {
                        remaining.remove(tp);
                    }
                }
            }
        }
        if (unreadable > 0) {
            log.warn("{} metadata-log records could not be read while counting the pending entries of site {}; "
                    + "they are not counted (check {} matches the source connector's converter)", unreadable, site,
                    "backbeat.ops.value.converter");
        }
        return new Pending(count, bytes, unreadable, truncated);
    }

    /**
     * @param truncated the scan stopped at the record limit or the timeout: the numbers are a lower bound
     */
    public record Pending(long count, long bytes, long unreadable, boolean truncated) {
        public Pending plus(Pending o) {
            return new Pending(count + o.count, bytes + o.bytes, unreadable + o.unreadable, truncated || o.truncated);
        }
    }
}
