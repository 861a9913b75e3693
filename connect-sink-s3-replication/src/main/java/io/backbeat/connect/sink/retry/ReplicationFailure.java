package io.backbeat.connect.sink.retry;

/**
 * A classified failure: an AWS-style reason code (what goes into the FAILED status event and the logs),
 * whether trying again may help, and the side it happened on.
 */
public class ReplicationFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The reason of an operation cut short by its thread's interruption: the task is stopping, nothing failed. */
    public static final String INTERRUPTED = "Interrupted";

    private final String reason;
    private final boolean retryable;
    private final Side side;

    public ReplicationFailure(String reason, boolean retryable, Side side, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryable = retryable;
        this.side = side;
    }

    /** A final failure found by our own checks (no exception behind it). */
    public static ReplicationFailure permanent(String reason, Side side, String message) {
        return new ReplicationFailure(reason, false, side, message, null);
    }

    /** An operation cut short because its task is stopping (see {@link #INTERRUPTED}). */
    public static ReplicationFailure interrupted(Side side, String message, Throwable cause) {
        return new ReplicationFailure(INTERRUPTED, false, side, message, cause);
    }

    /** Whether the operation was cut short by the task stopping rather than failing. */
    public boolean isInterruption() {
        return INTERRUPTED.equals(reason);
    }

    /** AWS-style reason code, e.g. {@code DstBucketUnversioned}, {@code SlowDown}. */
    public String reason() {
        return reason;
    }

    public boolean retryable() {
        return retryable;
    }

    public Side side() {
        return side;
    }

    @Override
    public String toString() {
        return reason + (retryable ? " (retryable)" : "") + ": " + getMessage();
    }
}
