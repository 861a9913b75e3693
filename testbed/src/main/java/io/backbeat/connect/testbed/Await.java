package io.backbeat.connect.testbed;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Bounded waiting on a condition: the one polling helper of the test bed (tests wait on a condition with a
 * bound, never on a fixed sleep).
 */
public final class Await {

    private static final long POLL_MS = 100;

    private Await() {
    }

    /**
     * Polls {@code condition} until it returns true or {@code timeout} passes.
     *
     * @param what what is awaited, in words; it opens the failure message
     * @param detail evaluated once on failure, to say what was seen instead (may be null)
     * @throws AssertionError when the time is up; carries the last exception thrown by the condition, if any
     */
    public static void until(Duration timeout, String what, Callable<Boolean> condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                String seen = detail == null ? null : safe(detail);
                AssertionError error = new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + (seen == null ? "" : "; last seen: " + seen)
                        + (last == null ? "" : "; last error: " + last));
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what, e);
            }
        }
    }

    /** {@link #until(Duration, String, Callable, Supplier)} without a detail supplier. */
    public static void until(Duration timeout, String what, Callable<Boolean> condition) {
        until(timeout, what, condition, null);
    }

    private static String safe(Supplier<String> detail) {
        try {
            return detail.get();
        } catch (RuntimeException e) {
            return "(could not describe: " + e + ")";
        }
    }
}
