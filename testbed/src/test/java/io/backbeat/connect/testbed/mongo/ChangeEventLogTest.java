package io.backbeat.connect.testbed.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.exception.MongoServerError;
import io.backbeat.connect.testbed.mongo.ChangeEvent.Namespace;
import io.backbeat.connect.testbed.mongo.ChangeEvent.OperationType;

class ChangeEventLogTest {

    private static final Namespace NS = new Namespace("db", "coll");

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        long millis = 1_795_308_266_000L;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private static ChangeEvent insert(ChangeEventLog log, int id) {
        return log.append(OperationType.INSERT, NS, id, new de.bwaldvogel.mongo.bson.Document("_id", id), null, null);
    }

    @Test
    void clusterTimesIncreaseWithinASecondAndNeverGoBack() {
        ManualClock clock = new ManualClock();
        ChangeEventLog log = new ChangeEventLog(clock, 100);
        long first = insert(log, 1).clusterTime();
        long second = insert(log, 2).clusterTime();
        assertEquals(first + 1, second, "same second: the increment grows");
        assertEquals(1795308266L, first >>> 32);
        assertEquals(1, first & 0xFFFFFFFFL);
        clock.millis -= 5_000;
        long third = insert(log, 3).clusterTime();
        assertEquals(second + 1, third, "a clock going back does not move cluster time back");
        clock.millis += 60_000;
        long fourth = insert(log, 4).clusterTime();
        assertEquals(ChangeEventLog.pack(1795308321L, 1), fourth, "a new second starts at increment 1");
        assertEquals(fourth, log.clusterTime());
    }

    @Test
    void historyIsCutLikeACappedOplogOnceItExceedsItsLimit() {
        ChangeEventLog log = new ChangeEventLog(new ManualClock(), 100);
        long firstTime = insert(log, 0).clusterTime();
        for (int i = 1; i < 110; i++) {
            insert(log, i);
        }
        assertEquals(110, log.size(), "a tenth over the limit is tolerated");
        ChangeEvent last = insert(log, 110);
        assertEquals(100, log.size());
        assertNull(log.eventAt(firstTime));
        assertEquals(last.clusterTime() - 99, log.historyStart());
        MongoServerError lost = assertThrows(MongoServerError.class, () -> log.readAfter(firstTime, 10));
        assertEquals(286, lost.getCode());
        assertEquals(10, log.readAfter(log.historyStart() - 1, 10).events().size());
    }

    @Test
    void truncationInTheFutureMovesTheClusterClock() {
        ChangeEventLog log = new ChangeEventLog(new ManualClock(), 100);
        long before = insert(log, 1).clusterTime();
        long future = ChangeEventLog.pack((before >>> 32) + 100, 5);
        assertEquals(1, log.truncateBefore(future));
        assertEquals(future - 1, log.clusterTime());
        assertTrue(insert(log, 2).clusterTime() >= future, "new events are inside the kept history");
    }

    @Test
    void wakesWaitersOnceAndAWaiterFailureDoesNotFailTheWrite() {
        ChangeEventLog log = new ChangeEventLog(new ManualClock(), 100);
        AtomicInteger woken = new AtomicInteger();
        log.onNextAppend(woken::incrementAndGet);
        log.onNextAppend(() -> {
            throw new IllegalStateException("connection gone");
        });
        insert(log, 1);
        insert(log, 2);
        assertEquals(1, woken.get());
        Runnable cancelled = woken::incrementAndGet;
        log.onNextAppend(cancelled);
        log.cancelWaiter(cancelled);
        insert(log, 3);
        assertEquals(1, woken.get());
    }
}
