package io.backbeat.connect.sink.retry;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The one retry policy of the sink connectors: exponential backoff with jitter, bounded by a number of
 * retries and by a total time, with Backbeat's defaults ({@code retry: {maxRetries: 5, timeoutS: 300,
 * backoff: {min: 1000, max: 300000, jitter: 0.1, factor: 1.5}}}).
 *
 * <p>As in Backbeat, an operation gives up when it has used its retries, or when the timeout has passed
 * and it was retried at least once.
 *
 * @param maxRetries retries after the first attempt
 * @param timeoutMs  total time after which no new retry starts
 * @param minBackoffMs delay before the first retry
 * @param maxBackoffMs upper bound of one delay
 * @param jitter     fraction (0..1) by which a delay is randomly shortened or lengthened
 * @param factor     growth of the delay from one retry to the next
 */
public record RetryPolicy(int maxRetries, long timeoutMs, long minBackoffMs, long maxBackoffMs, double jitter,
                          double factor) {

    public static final String MAX_RETRIES = "retry.max.retries";
    public static final String TIMEOUT_MS = "retry.timeout.ms";
    public static final String BACKOFF_MIN_MS = "retry.backoff.min.ms";
    public static final String BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String BACKOFF_JITTER = "retry.backoff.jitter";
    public static final String BACKOFF_FACTOR = "retry.backoff.factor";

    /** Backbeat's queue processor defaults. */
    public static final RetryPolicy BACKBEAT_DEFAULTS = new RetryPolicy(5, 300_000, 1_000, 300_000, 0.1, 1.5);

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + maxRetries);
        }
        if (timeoutMs < 0 || minBackoffMs < 0 || maxBackoffMs < minBackoffMs) {
            throw new IllegalArgumentException("need 0 <= min backoff (" + minBackoffMs + ") <= max backoff ("
                    + maxBackoffMs + ") and timeout >= 0 (" + timeoutMs + ")");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within [0, 1], got " + jitter);
        }
        if (factor < 1) {
            throw new IllegalArgumentException("backoff factor must be >= 1, got " + factor);
        }
    }

    /** Adds the retry settings (group "Retries") to a connector's ConfigDef. */
    public static ConfigDef addTo(ConfigDef def) {
        String group = "Retries";
        int order = 0;
        RetryPolicy d = BACKBEAT_DEFAULTS;
        return def
                .define(MAX_RETRIES, Type.INT, d.maxRetries, Range.atLeast(0), Importance.MEDIUM,
                        "Retries of a failing operation (S3 call, status event, Redis write) after its first attempt, "
                                + "for errors that may go away (throttling, 5xx, connection reset or timeout). "
                                + "Errors that cannot go away (access denied, missing bucket, destination not "
                                + "versioned) are not retried.",
                        group, ++order, Width.SHORT, "Max retries")
                .define(TIMEOUT_MS, Type.LONG, d.timeoutMs, Range.atLeast(0), Importance.MEDIUM,
                        "Time after which a failing operation is not retried any more (once it was retried at "
                                + "least once), whatever the retry count. Backbeat's retry.timeoutS.",
                        group, ++order, Width.SHORT, "Retry timeout (ms)")
                .define(BACKOFF_MIN_MS, Type.LONG, d.minBackoffMs, Range.atLeast(0), Importance.LOW,
                        "Delay before the first retry.", group, ++order, Width.SHORT, "Min backoff (ms)")
                .define(BACKOFF_MAX_MS, Type.LONG, d.maxBackoffMs, Range.atLeast(0), Importance.LOW,
                        "Upper bound of a delay between two attempts.", group, ++order, Width.SHORT,
                        "Max backoff (ms)")
                .define(BACKOFF_JITTER, Type.DOUBLE, d.jitter, Range.between(0.0, 1.0), Importance.LOW,
                        "Random fraction by which each delay is shortened or lengthened, so that many tasks "
                                + "failing together do not retry together.",
                        group, ++order, Width.SHORT, "Backoff jitter")
                .define(BACKOFF_FACTOR, Type.DOUBLE, d.factor, Range.atLeast(1.0), Importance.LOW,
                        "Growth factor of the delay from one retry to the next.", group, ++order, Width.SHORT,
                        "Backoff factor");
    }

    /** Reads the settings defined by {@link #addTo(ConfigDef)}. */
    public static RetryPolicy from(AbstractConfig config) {
        return new RetryPolicy(config.getInt(MAX_RETRIES), config.getLong(TIMEOUT_MS),
                config.getLong(BACKOFF_MIN_MS), config.getLong(BACKOFF_MAX_MS), config.getDouble(BACKOFF_JITTER),
                config.getDouble(BACKOFF_FACTOR));
    }

    /** The same settings as properties, e.g. to hand to a test connector. */
    public Map<String, String> toProperties() {
        return Map.of(MAX_RETRIES, Integer.toString(maxRetries), TIMEOUT_MS, Long.toString(timeoutMs),
                BACKOFF_MIN_MS, Long.toString(minBackoffMs), BACKOFF_MAX_MS, Long.toString(maxBackoffMs),
                BACKOFF_JITTER, Double.toString(jitter), BACKOFF_FACTOR, Double.toString(factor));
    }

    /** Delay before retry number {@code retry} (0 for the first retry), with jitter. */
    public long backoffMs(int retry) {
        return backoffMs(retry, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Same as {@link #backoffMs(int)} with a given source of randomness in [0, 1). */
    public long backoffMs(int retry, DoubleSupplier random) {
        double base = minBackoffMs * Math.pow(factor, retry);
        if (jitter > 0) {
            double r = random.getAsDouble();
            // as the "backo" module Backbeat uses: shorten or lengthen by up to jitter * delay
            double deviation = Math.floor(r * jitter * base);
            base = ((int) Math.floor(r * 10) & 1) == 0 ? base - deviation : base + deviation;
        }
        return (long) Math.min(Math.max(base, 0), maxBackoffMs);
    }

    /**
     * Whether another attempt may start after {@code retriesDone} retries and {@code elapsedMs} since the
     * first attempt.
     */
    public boolean mayRetry(int retriesDone, long elapsedMs) {
        if (retriesDone >= maxRetries) {
            return false;
        }
        return !(elapsedMs >= timeoutMs && retriesDone > 0);
    }
}
