package io.backbeat.connect.sink.status;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.ConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

import io.backbeat.connect.model.StatusEvent;

/**
 * Sends {@link StatusEvent}s to the status topic through the connector's own idempotent producer (a sink
 * task has no producer of its own). Key: {@code bucket/objectKey} as UTF-8, so all events of an object are
 * ordered in one partition; value: the event's Connect struct through a converter (JSON with schema by
 * default, what the status sink connector reads with {@code JsonConverter}).
 */
public final class KafkaStatusPublisher implements StatusPublisher {

    public static final String TOPIC = "status.topic";
    public static final String KAFKA_PREFIX = "status.kafka.";
    public static final String BOOTSTRAP = KAFKA_PREFIX + ProducerConfig.BOOTSTRAP_SERVERS_CONFIG;
    public static final String CONVERTER = "status.value.converter";
    public static final String CONVERTER_PREFIX = CONVERTER + ".";
    public static final String DEFAULT_TOPIC = "backbeat-replication-status";
    /**
     * The producer's linger.ms unless status.kafka.linger.ms says otherwise. One event per copied version: with
     * the client's 5 ms nearly every event was a produce request of its own (0.7 per object at 200 objects/s),
     * and the broker and the task's consumer paid per request; 50 ms batches them (0.15 per object, about
     * 0.5 ms of CPU less per object) and delays a COMPLETED status by at most that.
     */
    public static final int DEFAULT_LINGER_MS = 50;

    private final KafkaProducer<byte[], byte[]> producer;
    private final Converter converter;
    private final String topic;

    /** Adds the status settings (group "Status events") to a connector's ConfigDef. */
    public static ConfigDef addTo(ConfigDef def) {
        String group = "Status events";
        int order = 0;
        return def
                .define(TOPIC, Type.STRING, DEFAULT_TOPIC, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "Topic the replication status events go to (read by the status write-back connector "
                                + "and the ops API).",
                        group, ++order, Width.MEDIUM, "Status topic")
                .define(BOOTSTRAP, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.LambdaValidator.with((name, value) -> {
                    if (value == null || ((java.util.List<?>) value).isEmpty()) {
                        throw new ConfigException(name, value, "the Kafka cluster of the status topic is required");
                    }
                }, () -> "non-empty list of host:port"), Importance.HIGH,
                        "Kafka brokers of the status topic, usually the worker's own cluster. Any other producer "
                                + "setting can be given under the status.kafka. prefix (security.protocol, sasl.*, "
                                + "ssl.*, ...); idempotence and acks=all are always on, linger.ms is "
                                + DEFAULT_LINGER_MS + " unless set.",
                        group, ++order, Width.LONG, "Status Kafka bootstrap servers")
                .define(CONVERTER, Type.CLASS, JsonConverter.class, Importance.LOW,
                        "Converter of the status event values; settings under status.value.converter. "
                                + "(JsonConverter with schemas.enable=true by default).",
                        group, ++order, Width.LONG, "Status value converter");
    }

    public KafkaStatusPublisher(AbstractConfig config, String clientId) {
        this.topic = config.getString(TOPIC);
        this.converter = newConverter(config);
        this.producer = new KafkaProducer<>(producerProps(config, clientId));
    }

    /** The status producer's settings: the user's under status.kafka., with idempotence and acks=all forced. */
    static Map<String, Object> producerProps(AbstractConfig config, String clientId) {
        Map<String, Object> props = new HashMap<>(config.originalsWithPrefix(KAFKA_PREFIX));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.getList(BOOTSTRAP)));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    private static Converter newConverter(AbstractConfig config) {
        Class<?> type = config.getClass(CONVERTER);
        Converter converter;
        try {
            converter = (Converter) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ConfigException(CONVERTER, type.getName(), "cannot create the converter: " + e);
        }
        Map<String, Object> props = new HashMap<>(config.originalsWithPrefix(CONVERTER_PREFIX));
        props.put(ConverterConfig.TYPE_CONFIG, ConverterType.VALUE.getName());
        converter.configure(props, false);
        return converter;
    }

    @Override
    public CompletableFuture<Void> publish(StatusEvent event) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            byte[] key = event.kafkaKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = converter.fromConnectData(topic, StatusEvent.SCHEMA, event.toStruct());
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
