package io.backbeat.connect.sink.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class KafkaStatusPublisherTest {

    private static Map<String, Object> props(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("status.kafka.bootstrap.servers", "kafka-1:9092,kafka-2:9092"));
        config.putAll(extra);
        return KafkaStatusPublisher.producerProps(
                new AbstractConfig(KafkaStatusPublisher.addTo(new ConfigDef()), config), "backbeat-status-site-a-0");
    }

    @Test
    void statusEventsAreBatchedFor50MsUnlessTheConfigSaysOtherwise() {
        assertEquals(50, props(Map.of()).get(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals("0", props(Map.of("status.kafka.linger.ms", "0")).get(ProducerConfig.LINGER_MS_CONFIG));
    }

    @Test
    void idempotenceAndAcksAllCannotBeSwitchedOff() {
        Map<String, Object> p = props(Map.of("status.kafka.acks", "1", "status.kafka.enable.idempotence", "false",
                "status.kafka.security.protocol", "SSL"));
        assertEquals("all", p.get(ProducerConfig.ACKS_CONFIG));
        assertEquals(true, p.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("SSL", p.get("security.protocol"));
        assertEquals("kafka-1:9092,kafka-2:9092", p.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals("backbeat-status-site-a-0", p.get(ProducerConfig.CLIENT_ID_CONFIG));
    }
}
