package io.backbeat.connect.sink.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

class RetryPolicyTest {

    @Test
    void defaultsAreBackbeats() {
        RetryPolicy p = RetryPolicy.from(new AbstractConfig(RetryPolicy.addTo(new ConfigDef()), Map.of()));
        assertEquals(RetryPolicy.BACKBEAT_DEFAULTS, p);
        assertEquals(5, p.maxRetries());
        assertEquals(300_000, p.timeoutMs());
        assertEquals(1_000, p.minBackoffMs());
        assertEquals(300_000, p.maxBackoffMs());
        assertEquals(0.1, p.jitter());
        assertEquals(1.5, p.factor());
    }

    @Test
    void configIsValidated() {
        ConfigDef def = RetryPolicy.addTo(new ConfigDef());
        ConfigException e = assertThrows(ConfigException.class,
                () -> new AbstractConfig(def, Map.of(RetryPolicy.BACKOFF_JITTER, "1.5")));
        assertTrue(e.getMessage().contains(RetryPolicy.BACKOFF_JITTER), e.getMessage());
    }

    @Test
    void backoffGrowsByFactorAndIsCapped() {
        RetryPolicy p = new RetryPolicy(20, 1_000_000, 1000, 10_000, 0, 1.5);
        assertEquals(1000, p.backoffMs(0));
        assertEquals(1500, p.backoffMs(1));
        assertEquals(2250, p.backoffMs(2));
        assertEquals(10_000, p.backoffMs(10));
    }

    @Test
    void jitterShortensOrLengthensByAtMostItsFraction() {
        RetryPolicy p = RetryPolicy.BACKBEAT_DEFAULTS;
        // r in [0, 0.1): even tenth -> shorter; r in [0.1, 0.2): odd tenth -> longer
        assertEquals(1000 - 5, p.backoffMs(0, () -> 0.05));
        assertEquals(1000 + 15, p.backoffMs(0, () -> 0.15));
        for (int i = 0; i < 1000; i++) {
            long d = p.backoffMs(3);
            double base = 1000 * Math.pow(1.5, 3);
            assertTrue(d >= base * 0.9 - 1 && d <= base * 1.1 + 1, "delay " + d);
        }
    }

    @Test
    void givesUpOnRetryCountOrTimeoutAfterOneRetry() {
        RetryPolicy p = new RetryPolicy(3, 10_000, 1, 1, 0, 1);
        assertTrue(p.mayRetry(0, 0));
        assertTrue(p.mayRetry(2, 9_999));
        assertFalse(p.mayRetry(3, 0));
        // timeout passed: still one retry when none was made yet, as in Backbeat
        assertTrue(p.mayRetry(0, 20_000));
        assertFalse(p.mayRetry(1, 20_000));
    }

    @Test
    void retrierRetriesRetryableFailuresWithBackoff() {
        List<Long> sleeps = new ArrayList<>();
        Retrier retrier = new Retrier(new RetryPolicy(5, 60_000, 100, 1000, 0, 2), sleeps::add);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        String result = retrier.call("flaky", Side.DESTINATION, () -> {
            if (calls.incrementAndGet() < 3) {
                throw s3Error(503, "SlowDown");
            }
            return "ok";
        }, retries);
        assertEquals("ok", result);
        assertEquals(3, calls.get());
        assertEquals(2, retries.get());
        assertEquals(List.of(100L, 200L), sleeps);
    }

    @Test
    void retrierFailsFastOnFinalErrors() {
        List<Long> sleeps = new ArrayList<>();
        Retrier retrier = new Retrier(new RetryPolicy(5, 60_000, 100, 1000, 0, 2), sleeps::add);
        AtomicInteger calls = new AtomicInteger();
        ReplicationFailure f = assertThrows(ReplicationFailure.class, () -> retrier.call("denied",
                Side.DESTINATION, () -> {
                    calls.incrementAndGet();
                    throw s3Error(403, "AccessDenied");
                }, null));
        assertEquals(1, calls.get());
        assertEquals(List.of(), sleeps);
        assertEquals("DstPutObjectNotPermitted", f.reason());
        assertFalse(f.retryable());
    }

    @Test
    void retrierGivesUpAfterMaxRetriesWithTheLastReason() {
        Map<Integer, Long> sleeps = new HashMap<>();
        Retrier retrier = new Retrier(new RetryPolicy(2, 60_000, 1, 1, 0, 1), ms -> sleeps.merge(1, ms, Long::sum));
        AtomicInteger calls = new AtomicInteger();
        ReplicationFailure f = assertThrows(ReplicationFailure.class, () -> retrier.call("down", Side.DESTINATION,
                () -> {
                    calls.incrementAndGet();
                    throw s3Error(500, "InternalError");
                }, null));
        assertEquals(3, calls.get());
        assertEquals("InternalError", f.reason());
        assertTrue(f.retryable());
    }

    static S3Exception s3Error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }
}
