package io.backbeat.connect.sink.retry;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an operation under the {@link RetryPolicy}: retryable failures are retried after a backoff, final
 * ones (and retryable ones once the policy gives up) are thrown as {@link ReplicationFailure}.
 *
 * <p>Waiting happens on the calling thread: a replication worker thread that waits for a destination to come
 * back is exactly the backpressure we want, and a task stop interrupts the wait.
 */
public final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** Sleeps; a seam so that tests do not have to wait for real. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private final RetryPolicy policy;
    private final Sleeper sleeper;

    public Retrier(RetryPolicy policy) {
        this(policy, Thread::sleep);
    }

    public Retrier(RetryPolicy policy, Sleeper sleeper) {
        this.policy = policy;
        this.sleeper = sleeper;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** Calls {@code operation}, retrying it; {@code retries} (may be null) counts the retries made. */
    public <T> T call(String what, Side side, Callable<T> operation, AtomicInteger retries) {
        long start = System.nanoTime();
        int retry = 0;
        while (true) {
            try {
                T result = operation.call();
                if (retry > 0) {
                    LOG.info("{} succeeded after {} retries", what, retry);
                }
                return result;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ReplicationFailure.interrupted(side, what + " interrupted (task stopping)", e);
            } catch (Exception e) {
                ReplicationFailure failure = ErrorClassifier.classify(e, side);
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (!failure.retryable() || !policy.mayRetry(retry, elapsedMs) || Thread.currentThread().isInterrupted()) {
                    if (failure.retryable()) {
                        LOG.warn("{} failed, giving up after {} retries in {} ms: {}", what, retry, elapsedMs, failure.toString());
                    }
                    throw failure;
                }
                long delay = policy.backoffMs(retry);
                LOG.info("{} failed, retry {} of {} in {} ms: {}", what, retry + 1, policy.maxRetries(), delay, failure.toString());
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw ReplicationFailure.interrupted(side, what + " interrupted (task stopping)", failure);
                }
                retry++;
                if (retries != null) {
                    retries.incrementAndGet();
                }
            }
        }
    }

    /** Runs an operation without result under the policy. */
    public void run(String what, Side side, ThrowingRunnable operation, AtomicInteger retries) {
        call(what, side, () -> {
            operation.run();
            return null;
        }, retries);
    }

    /** A runnable that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
