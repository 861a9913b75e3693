package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.backbeat.connect.testbed.kafka.ConnectCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Workers with exactly.once.source.support=enabled: the same failures leave no duplicate at all. */
class FailoverExactlyOnceTest {

    @Test
    void restartsAndAKilledWorkerLoseNothingAndDuplicateNothing() throws Exception {
        try (ConnectCluster connect = ConnectCluster.builder().workers(1)
                .workerProp("exactly.once.source.support", "enabled")
                .brokerProp("transaction.state.log.replication.factor", "1")
                .brokerProp("transaction.state.log.min.isr", "1")
                .start()) {
            FailoverReplay.Outcome o = FailoverReplay.run(connect, Map.of("exactly.once.support", "required"));
            FailoverReplay.assertNoLoss(o);
            assertEquals(0, o.duplicates(), "duplicates with exactly-once: " + o);
            assertEquals(2 * FailoverReplay.OBJECTS, o.records());
        }
    }
}
