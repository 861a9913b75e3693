package io.backbeat.connect.ops.pause;

import io.backbeat.connect.ops.OpsException;
import io.backbeat.connect.testbed.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumeScheduleTest {

    private static RedisServer server;
    private static List<RedisClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        for (int i = 0; i < 4; i++) {
            clients.add(RedisClient.create(URI.create(server.uri())));
        }
    }

    @AfterAll
    static void stop() {
        clients.forEach(RedisClient::close);
        server.close();
    }

    @BeforeEach
    void clean() {
        clients.get(0).flushAll();
    }

    @Test
    void aDueResumeIsClaimedByExactlyOneOfManyConcurrentWorkers() throws Exception {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        new ResumeSchedule(clients.get(0)).schedule("east", now.minusSeconds(1));
        new ResumeSchedule(clients.get(0)).schedule("west", now.plusSeconds(60)); // not due
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> workers = new ArrayList<>();
            for (RedisClient c : clients) {
                workers.add(() -> new ResumeSchedule(c).claimDue(now).size());
            }
            int claimed = 0;
            for (Future<Integer> f : pool.invokeAll(workers)) {
                claimed += f.get();
            }
            assertEquals(1, claimed);
        } finally {
            pool.shutdownNow();
        }
        ResumeSchedule schedule = new ResumeSchedule(clients.get(1));
        assertTrue(schedule.get("east").isEmpty());
        assertEquals(now.plusSeconds(60), schedule.get("west").orElseThrow());
    }

    @Test
    void aScheduleSurvivesTheInstanceThatMadeItAndANewerOneIsNeverLost() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        new ResumeSchedule(clients.get(0)).schedule("east", now.minusSeconds(5));
        // "restart": another instance on another connection finds and fires it
        List<ResumeSchedule.Due> due = new ResumeSchedule(clients.get(2)).claimDue(now);
        assertEquals(List.of(new ResumeSchedule.Due("east", now.minusSeconds(5))), due);
        assertTrue(new ResumeSchedule(clients.get(3)).claimDue(now).isEmpty());

        // a schedule re-written after a claimer read the hash is not deleted by that stale claim
        ResumeSchedule a = new ResumeSchedule(clients.get(0));
        a.schedule("north", now.minusSeconds(1));
        a.schedule("north", now.plusSeconds(3600));
        assertTrue(a.claimDue(now).isEmpty());
        assertEquals(now.plusSeconds(3600), a.get("north").orElseThrow());
    }

    @Test
    void hoursAreValidatedAsBackbeatDoes() {
        assertEquals(6, PauseResumeService.parseHours(null));
        assertEquals(6, PauseResumeService.parseHours(""));
        assertEquals(6, PauseResumeService.parseHours("{}"));
        assertEquals(3, PauseResumeService.parseHours("{\"hours\": 3}"));
        assertEquals(12, PauseResumeService.parseHours("{\"hours\": \"12\"}"));
        for (String bad : List.of("{\"hours\": 0}", "{\"hours\": -1}", "{\"hours\": 1.5}", "{\"hours\": \"x\"}",
                "{\"hours\": 100000}", "[6]", "{oops")) {
            OpsException e = assertThrows(OpsException.class, () -> PauseResumeService.parseHours(bad), bad);
            assertEquals(400, e.status(), bad);
        }
    }
}
