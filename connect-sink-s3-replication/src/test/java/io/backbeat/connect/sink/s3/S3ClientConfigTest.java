package io.backbeat.connect.sink.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class S3ClientConfigTest {

    @Test
    void prefixedKeysAndDefaults() {
        ConfigDef def = S3ClientConfig.addTo(new ConfigDef(), "destination.s3.", "destination", "Destination");
        assertTrue(def.names().containsAll(S3ClientConfig.keys("destination.s3.")));
        assertEquals(ConfigDef.Type.PASSWORD, def.configKeys().get("destination.s3.secret.access.key").type);
        assertEquals(ConfigDef.Type.PASSWORD, def.configKeys().get("destination.s3.access.key.id").type);

        S3ClientConfig c = S3ClientConfig.of("destination.s3.", Map.of());
        assertNull(c.endpoint());
        assertEquals("us-east-1", c.region());
        assertTrue(c.pathStyle());
        assertFalse(c.hasStaticKeys());
        assertFalse(c.assumesRole());
        assertEquals(S3ClientConfig.ChecksumMode.WHEN_SUPPORTED, c.checksumMode());
    }

    @Test
    void secretsNeverAppearInToString() {
        S3ClientConfig c = S3ClientConfig.of("x.", Map.of("x.access.key.id", "AKIDSECRET", "x.secret.access.key",
                "very-secret", "x.endpoint", "http://127.0.0.1:9000", "x.checksum.calculation", "WHEN_REQUIRED"));
        assertFalse(c.toString().contains("very-secret"), c.toString());
        assertFalse(c.toString().contains("AKIDSECRET"), c.toString());
        assertEquals(S3ClientConfig.ChecksumMode.WHEN_REQUIRED, c.checksumMode());
        assertEquals("x.access.key.id", c.credentialsKey());
    }

    @Test
    void badValuesNameTheirKey() {
        ConfigException endpoint = assertThrows(ConfigException.class,
                () -> S3ClientConfig.of("d.", Map.of("d.endpoint", "localhost:9000")));
        assertTrue(endpoint.getMessage().contains("d.endpoint"), endpoint.getMessage());
        ConfigException half = assertThrows(ConfigException.class,
                () -> S3ClientConfig.of("d.", Map.of("d.access.key.id", "AK")));
        assertTrue(half.getMessage().contains("d.secret.access.key"), half.getMessage());
        assertFalse(half.getMessage().contains("AK\""), half.getMessage());
        ConfigException checksum = assertThrows(ConfigException.class,
                () -> S3ClientConfig.of("d.", Map.of("d.checksum.calculation", "always")));
        assertTrue(checksum.getMessage().contains("d.checksum.calculation"), checksum.getMessage());
    }

    @Test
    void roleSettingsAreRead() {
        S3ClientConfig c = S3ClientConfig.of("d.", Map.of("d.sts.role.arn", "arn:aws:iam::1:role/r",
                "d.sts.role.external.id", "ext", "d.sts.endpoint", "https://sts.example.com"));
        assertTrue(c.assumesRole());
        assertEquals("d.sts.role.arn", c.credentialsKey());
        assertEquals("ext", c.roleExternalId());
        assertEquals(300, c.roleRefreshBeforeSeconds());
    }
}
