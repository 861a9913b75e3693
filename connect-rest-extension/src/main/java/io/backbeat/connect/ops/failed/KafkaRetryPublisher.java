package io.backbeat.connect.ops.failed;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.ops.EntryCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes retries with an idempotent producer: the PENDING status event is acknowledged before the entry
 * is republished, and both are keyed {@code bucket/key}, so the status sink sees PENDING before the site's
 * sink can report the new outcome (same order as Backbeat's retry).
 */
public final class KafkaRetryPublisher implements RetryPublisher {

    private final KafkaProducer<byte[], byte[]> producer;
    private final EntryCodec codec;
    private final String statusTopic;
    private final String logTopic;
    private final Duration timeout;

    public KafkaRetryPublisher(Map<String, Object> clientProps, EntryCodec codec, String statusTopic,
                               String logTopic, Duration timeout) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "backbeat-ops-retry");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1000));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.codec = codec;
        this.statusTopic = statusTopic;
        this.logTopic = logTopic;
        this.timeout = timeout;
    }

    @Override
    public void publish(StatusEvent pending, LogEntry entry) {
        send(new ProducerRecord<>(statusTopic, codec.key(statusTopic, pending.kafkaKey()),
                codec.statusEvent(statusTopic, pending)), "PENDING status event");
        send(new ProducerRecord<>(logTopic, codec.key(logTopic, entry.kafkaKey()),
                codec.logEntry(logTopic, entry)), "retry entry");
    }

    private void send(ProducerRecord<byte[], byte[]> record, String what) {
        try {
            producer.send(record).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not write the " + what + " to topic " + record.topic() + ": "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out writing the " + what + " to topic " + record.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing the " + what, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
