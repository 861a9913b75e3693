package io.backbeat.connect.model;

/**
 * Thrown when CloudServer metadata, a metadata key or a version id cannot be decoded. The message names
 * the offending field or value so that a task can report the record and move on.
 */
public class InvalidMetadataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidMetadataException(String message) {
        super(message);
    }

    public InvalidMetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
