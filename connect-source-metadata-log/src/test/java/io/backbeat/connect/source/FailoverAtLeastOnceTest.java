package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backbeat.connect.testbed.kafka.ConnectCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Default workers (at-least-once): restarts and a SIGKILL lose nothing; re-deliveries only replay, and are marked
 * as possible replays.
 */
class FailoverAtLeastOnceTest {

    @Test
    void restartsAndAKilledWorkerLoseNoEntry() throws Exception {
        try (ConnectCluster connect = ConnectCluster.builder().workers(1).start()) {
            FailoverReplay.Outcome o = FailoverReplay.run(connect, Map.of());
            FailoverReplay.assertNoLoss(o);
            // a SIGKILL loses at most the offsets of the last flush interval (1 s here), not a replay of everything
            assertTrue(o.duplicates() < FailoverReplay.OBJECTS, "duplicates: " + o);
            // and every entry journaled again says so, whatever the failure: the sinks look for its replica
            assertEquals(0, o.unmarkedReplays(), "entries journaled again without the possible-replay header: " + o);
            System.out.println("FailoverAtLeastOnceTest: " + o);
        }
    }
}
