package io.backbeat.connect.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RealInfraTest {

    private final Map<String, String> settings = new HashMap<>();

    @Test
    void embeddedUnlessRealIsSelected() {
        assertFalse(RealInfra.selected(settings::get));
        assertEquals(Optional.empty(), RealInfra.mongoUri(settings::get));
        assertEquals(Optional.empty(), RealInfra.s3(settings::get));
        settings.put("backbeat.test.infra", " Embedded ");
        assertFalse(RealInfra.selected(settings::get));
    }

    @Test
    void realInfraHandsOutTheConfiguredEndpoints() {
        settings.put("backbeat.test.infra", "real");
        settings.put("backbeat.test.mongodb.uri", "mongodb://db1:27017/?replicaSet=rs0");
        settings.put("backbeat.test.s3.endpoint", "https://s3.example.test");
        settings.put("backbeat.test.s3.access-key", "AK");
        settings.put("backbeat.test.s3.secret-key", "very-secret");
        assertTrue(RealInfra.selected(settings::get));
        assertEquals("mongodb://db1:27017/?replicaSet=rs0", RealInfra.mongoUri(settings::get).orElseThrow());
        RealInfra.S3Settings s3 = RealInfra.s3(settings::get).orElseThrow();
        assertEquals(URI.create("https://s3.example.test"), s3.endpoint());
        assertEquals("us-east-1", s3.region());
        assertEquals("AK", s3.accessKey());
        assertEquals("very-secret", s3.secretKey());
        assertFalse(s3.toString().contains("very-secret"), "the secret never shows in messages");
    }

    @Test
    void aMissingSettingIsNamedNeverReplacedByTheEmbeddedComponent() {
        settings.put("backbeat.test.infra", "real");
        IllegalStateException mongo = assertThrows(IllegalStateException.class,
                () -> RealInfra.mongoUri(settings::get));
        assertTrue(mongo.getMessage().contains("backbeat.test.mongodb.uri"), mongo.getMessage());
        assertTrue(mongo.getMessage().contains("BACKBEAT_TEST_MONGODB_URI"), mongo.getMessage());

        settings.put("backbeat.test.s3.endpoint", "http://127.0.0.1:9000");
        IllegalStateException s3 = assertThrows(IllegalStateException.class, () -> RealInfra.s3(settings::get));
        assertTrue(s3.getMessage().contains("BACKBEAT_TEST_S3_ACCESS_KEY"), s3.getMessage());
    }

    @Test
    void badValuesAreRejectedWithTheirName() {
        settings.put("backbeat.test.infra", "docker");
        IllegalStateException selection = assertThrows(IllegalStateException.class,
                () -> RealInfra.selected(settings::get));
        assertTrue(selection.getMessage().contains("docker"), selection.getMessage());

        settings.put("backbeat.test.infra", "real");
        settings.put("backbeat.test.s3.endpoint", "not a url");
        IllegalStateException endpoint = assertThrows(IllegalStateException.class,
                () -> RealInfra.s3(settings::get));
        assertTrue(endpoint.getMessage().contains("backbeat.test.s3.endpoint"), endpoint.getMessage());
    }

    @Test
    void environmentNamesFollowThePropertyNames() {
        assertEquals("BACKBEAT_TEST_S3_SECRET_KEY", RealInfra.envName("backbeat.test.s3.secret-key"));
    }
}
