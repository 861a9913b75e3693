package io.backbeat.connect.model;

/**
 * CloudServer's escaping of object tags in MongoDB: field names cannot hold {@code $} or {@code .}, so tag
 * names and values are stored with {@code $} as U+FF04 (FULLWIDTH DOLLAR SIGN) and {@code .} as U+FF0E
 * (FULLWIDTH FULL STOP).
 */
public final class TagEscaping {

    static final char DOLLAR = '$';
    static final char DOT = '.';
    static final char ESCAPED_DOLLAR = '\uFF04';
    static final char ESCAPED_DOT = '\uFF0E';

    private TagEscaping() {
    }

    /** Stored form to S3 form; null stays null. */
    public static String unescape(String stored) {
        return stored == null ? null : stored.replace(ESCAPED_DOLLAR, DOLLAR).replace(ESCAPED_DOT, DOT);
    }

    /** S3 form to stored form; null stays null. */
    public static String escape(String s3) {
        return s3 == null ? null : s3.replace(DOLLAR, ESCAPED_DOLLAR).replace(DOT, ESCAPED_DOT);
    }
}
