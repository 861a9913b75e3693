package io.backbeat.connect.smt;

/**
 * A log entry that lacks what a filter needs to decide (metadata, raw key) or whose metadata cannot be
 * parsed. The filters turn it into their documented {@code on.invalid} behaviour.
 */
public class InvalidLogEntryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidLogEntryException(String message) {
        super(message);
    }

    public InvalidLogEntryException(String message, Throwable cause) {
        super(message, cause);
    }
}
