package io.backbeat.connect.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backbeat.connect.testbed.redis.RedisServer;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class RedisServerTest {

    @Test
    void startsWithoutPersistenceAndStopsOnClose() {
        RedisServer redis = RedisServer.start();
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            assertEquals("", jedis.configGet("save").get("save"));
            assertEquals("no", jedis.configGet("appendonly").get("appendonly"));
            jedis.set("k", "v");
            assertEquals("v", jedis.get("k"));
        } finally {
            redis.close();
        }
        assertFalse(redis.isRunning());
        Await.until(Duration.ofSeconds(5), "the port to close", () -> !LocalPorts.accepting(redis.port()));
    }

    @Test
    void aMissingProgramIsNamed() {
        System.setProperty(RedisServer.PROGRAM_PROPERTY, "/nonexistent/redis-server");
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, RedisServer::start);
            assertTrue(e.getMessage().contains("/nonexistent/redis-server"), e.getMessage());
            assertTrue(e.getMessage().contains(RedisServer.PROGRAM_PROPERTY), e.getMessage());
        } finally {
            System.clearProperty(RedisServer.PROGRAM_PROPERTY);
        }
    }
}
