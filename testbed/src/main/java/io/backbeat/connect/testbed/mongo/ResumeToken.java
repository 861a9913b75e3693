package io.backbeat.connect.testbed.mongo;

import java.util.Locale;

import de.bwaldvogel.mongo.bson.Document;

/**
 * The stand-in's resume tokens: {@code {_data: "82" + 8 hex digits seconds + 8 hex digits increment + 2 hex
 * digits kind}}, upper case like a real server's.
 *
 * <p>Drivers treat tokens as opaque; this is not MongoDB's KeyString format, so tokens of a real server are
 * rejected and vice versa. As with real tokens, comparing two {@code _data} strings orders them by stream
 * position: at one cluster time an event sorts before the invalidate it causes, and both before a high-water
 * mark (which means "everything up to and including this cluster time was seen").
 */
record ResumeToken(long clusterTime, Kind kind) {

    enum Kind {
        EVENT(1), INVALIDATE(2), HIGH_WATER_MARK(3);

        private final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    private static final String PREFIX = "82";
    private static final int LENGTH = PREFIX.length() + 16 + 2;

    String data() {
        return String.format(Locale.ROOT, "%s%016X%02X", PREFIX, clusterTime, kind.code);
    }

    Document toDocument() {
        return new Document("_data", data());
    }

    /**
     * Reads a token as a client sent it back.
     *
     * @param option name of the option that carried it, for the error message
     * @throws de.bwaldvogel.mongo.exception.MongoServerError InvalidResumeToken (260) naming what is wrong
     */
    static ResumeToken parse(Object value, String option) {
        if (!(value instanceof Document doc)) {
            throw StandInErrors.invalidResumeToken(option, value, "expected a document {_data: <hex string>}");
        }
        Object data = doc.get("_data");
        if (!(data instanceof String hex)) {
            throw StandInErrors.invalidResumeToken(option, value, "the field _data is missing or not a string");
        }
        if (hex.length() != LENGTH || !hex.startsWith(PREFIX)) {
            throw StandInErrors.invalidResumeToken(option, value,
                    "_data is not a token of this MongoDB stand-in (tokens of a real server cannot be used here)");
        }
        try {
            long clusterTime = Long.parseUnsignedLong(hex.substring(PREFIX.length(), PREFIX.length() + 16), 16);
            int code = Integer.parseInt(hex.substring(PREFIX.length() + 16), 16);
            for (Kind kind : Kind.values()) {
                if (kind.code == code) {
                    return new ResumeToken(clusterTime, kind);
                }
            }
            throw StandInErrors.invalidResumeToken(option, value, "unknown token kind " + code);
        } catch (NumberFormatException e) {
            throw StandInErrors.invalidResumeToken(option, value, "_data is not hexadecimal");
        }
    }

    @Override
    public String toString() {
        return data();
    }
}
