package io.backbeat.connect.source;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.bson.BsonTimestamp;

/**
 * MongoDB cluster times as the operator writes them and as offsets store them.
 *
 * <p>Accepted text forms (config {@code startup.timestamp}, offset {@code cluster_time} given as a string):
 * an ISO-8601 instant ({@code 2026-11-22T00:44:26Z}), epoch seconds ({@code 1795308266}) or a BSON
 * timestamp {@code seconds:increment} ({@code 1795308266:3}). Offsets store the packed 64-bit BSON
 * timestamp value (seconds in the high 32 bits, increment in the low 32 bits), which is exact.
 */
public final class ClusterTimes {

    public static final String FORMATS = "an ISO-8601 instant (2026-11-22T00:44:26Z), epoch seconds "
            + "(1795308266) or a BSON timestamp seconds:increment (1795308266:3)";

    private ClusterTimes() {
    }

    /**
     * Parses the text forms.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static BsonTimestamp parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("cluster time is empty; expected " + FORMATS);
        }
        String s = text.trim();
        try {
            if (s.indexOf('T') > 0) {
                Instant instant = Instant.parse(s);
                return new BsonTimestamp(checkedSeconds(instant.getEpochSecond(), s), 0);
            }
            int colon = s.indexOf(':');
            if (colon > 0) {
                long seconds = Long.parseLong(s.substring(0, colon));
                long increment = Long.parseLong(s.substring(colon + 1));
                if (increment < 0 || increment > 0xFFFFFFFFL) {
                    throw new IllegalArgumentException("increment out of range in cluster time '" + s + "'");
                }
                return new BsonTimestamp(checkedSeconds(seconds, s), (int) increment);
            }
            return new BsonTimestamp(checkedSeconds(Long.parseLong(s), s), 0);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("cannot read cluster time '" + s + "'; expected " + FORMATS, e);
        }
    }

    /** The packed form stored in offsets. */
    public static long pack(BsonTimestamp ts) {
        return ts.getValue();
    }

    /** Reads the packed form; rejects negative values (no valid cluster time has the top bit set). */
    public static BsonTimestamp unpack(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("cluster time " + value + " is negative");
        }
        return new BsonTimestamp(value);
    }

    /** Milliseconds since the epoch of the cluster time's second (the increment orders within a second). */
    public static long toEpochMs(BsonTimestamp ts) {
        return (ts.getTime() & 0xFFFFFFFFL) * 1000L;
    }

    /** Human form for logs and messages: {@code seconds:increment (ISO instant)}. */
    public static String describe(BsonTimestamp ts) {
        if (ts == null) {
            return "none";
        }
        long seconds = ts.getTime() & 0xFFFFFFFFL;
        return seconds + ":" + (ts.getInc() & 0xFFFFFFFFL) + " (" + Instant.ofEpochSecond(seconds) + ")";
    }

    private static int checkedSeconds(long seconds, String text) {
        if (seconds < 0 || seconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("cluster time '" + text + "' is outside the BSON timestamp range");
        }
        return (int) seconds;
    }
}
