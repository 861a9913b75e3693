package io.backbeat.connect.sink.retry;

/** Which party an operation talks to; the same S3 error means different things on each side. */
public enum Side {
    /** The source site's S3 endpoint (object data and tags). */
    SOURCE("Src"),
    /** The source site's metadata (CloudServer backbeat route or MongoDB). */
    SOURCE_METADATA("SrcMetadata"),
    /** The destination site's S3 endpoint. */
    DESTINATION("Dst"),
    /** Kafka (status events) and Redis (failed entries): our own bookkeeping. */
    BOOKKEEPING("");

    private final String prefix;

    Side(String prefix) {
        this.prefix = prefix;
    }

    /** Prefix of reason codes for failures on this side ({@code Src}, {@code Dst}). */
    public String prefix() {
        return prefix;
    }
}
