package io.backbeat.connect.model;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * CloudServer version ids (Arsenal's VersionID format).
 *
 * <p>Internal form: {@code pad14(MAX_TS - epochMs) + pad6(MAX_SEQ - seq) + padRight7(replicationGroupId) +
 * info}, so newer versions sort first. External form (what S3 clients see and send): a 27-character internal
 * id (no {@code info}) is encoded as 32 base62 characters; any other id is the hex of its UTF-8 bytes
 * (CloudServer's default). The external id {@code "null"} names the null version and passes through both
 * ways.
 */
public final class VersionIds {

    /** The external id of the null version. */
    public static final String NULL = "null";

    static final int LENGTH_TS = 14;
    static final int LENGTH_SEQ = 6;
    static final int LENGTH_RG = 7;
    static final long MAX_TS = 99_999_999_999_999L;
    static final int MAX_SEQ = 999_999;

    /** Length of an internal id without the info part; encoded in base62. */
    static final int SHORT_ID_LENGTH = LENGTH_TS + LENGTH_SEQ + LENGTH_RG;
    /** Length of Arsenal's newer formatted base62 ids (short id + instance id + format marker). */
    static final int FORMATTED_ID_LENGTH = 35;
    static final int BASE62_LENGTH = 32;

    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);
    /** The 20 leading digits are encoded as two 10-digit numbers, each in 6 base62 characters. */
    private static final int B62_HALF_DIGITS = (LENGTH_TS + LENGTH_SEQ) / 2;
    private static final int B62_HALF_CHARS = 6;
    private static final int B62_REST_CHARS = BASE62_LENGTH - 2 * B62_HALF_CHARS;

    private VersionIds() {
    }

    /**
     * Internal id to external id.
     *
     * @throws InvalidMetadataException for an empty id, or a 27-character id that is not ts+seq+rg
     */
    public static String encode(String internal) {
        Objects.requireNonNull(internal, "version id");
        if (internal.isEmpty()) {
            throw new InvalidMetadataException("version id must not be empty");
        }
        if (NULL.equals(internal)) {
            return NULL;
        }
        if (internal.length() == SHORT_ID_LENGTH) {
            return base62Encode(internal);
        }
        return hexEncode(internal);
    }

    /**
     * External id to internal id: 32 characters are base62 (decoding to 27 or 35 characters), longer ids
     * are hex, "null" passes through.
     *
     * @throws InvalidMetadataException naming the id when it is neither
     */
    public static String decode(String external) {
        Objects.requireNonNull(external, "version id");
        if (NULL.equals(external)) {
            return NULL;
        }
        if (external.length() == BASE62_LENGTH) {
            String decoded = base62Decode(external);
            if (decoded.length() != SHORT_ID_LENGTH && decoded.length() != FORMATTED_ID_LENGTH) {
                throw new InvalidMetadataException("invalid version id \"" + external + "\": base62 value decodes to "
                        + decoded.length() + " characters, expected " + SHORT_ID_LENGTH + " or " + FORMATTED_ID_LENGTH);
            }
            return decoded;
        }
        if (external.length() > BASE62_LENGTH) {
            return hexDecode(external);
        }
        throw new InvalidMetadataException("invalid version id \"" + external + "\": " + external.length()
                + " characters is neither a base62 (32) nor a hex (more than 32) version id");
    }

    /** True when {@code external} decodes as a version id (or is "null"). */
    public static boolean isValidExternal(String external) {
        try {
            decode(external);
            return true;
        } catch (InvalidMetadataException | NullPointerException e) {
            return false;
        }
    }

    /** Hex of the UTF-8 bytes (CloudServer 8.8's default external form). */
    public static String hexEncode(String internal) {
        byte[] bytes = internal.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    /** Inverse of {@link #hexEncode}. */
    public static String hexDecode(String hex) {
        if (hex.isEmpty() || hex.length() % 2 != 0) {
            throw new InvalidMetadataException("invalid version id \"" + hex + "\": hex form needs an even, non-zero length");
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new InvalidMetadataException("invalid version id \"" + hex + "\": not hexadecimal at position " + 2 * i);
            }
            bytes[i] = (byte) ((hi << 4) | lo);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Arsenal's base62 form: the first 10 and next 10 digits as base62 integers of 6 characters each, then
     * the remaining bytes as a base62 big number in the last 20 characters.
     */
    public static String base62Encode(String internal) {
        if (internal.length() < LENGTH_TS + LENGTH_SEQ) {
            throw new InvalidMetadataException("invalid version id \"" + internal + "\": too short for base62");
        }
        long part1 = digits(internal, 0, B62_HALF_DIGITS);
        long part2 = digits(internal, B62_HALF_DIGITS, 2 * B62_HALF_DIGITS);
        byte[] rest = internal.substring(2 * B62_HALF_DIGITS).getBytes(StandardCharsets.UTF_8);
        String restEncoded = bytesToBase62(rest);
        if (restEncoded.length() > B62_REST_CHARS) {
            throw new InvalidMetadataException("invalid version id \"" + internal + "\": too long for the base62 form");
        }
        return padLeft(toBase62(BigInteger.valueOf(part1)), B62_HALF_CHARS)
                + padLeft(toBase62(BigInteger.valueOf(part2)), B62_HALF_CHARS)
                + padLeft(restEncoded, B62_REST_CHARS);
    }

    /** Inverse of {@link #base62Encode}. */
    public static String base62Decode(String external) {
        if (external.length() != BASE62_LENGTH) {
            throw new InvalidMetadataException("invalid version id \"" + external + "\": base62 form has "
                    + BASE62_LENGTH + " characters");
        }
        BigInteger part1 = fromBase62(external, 0, B62_HALF_CHARS);
        BigInteger part2 = fromBase62(external, B62_HALF_CHARS, 2 * B62_HALF_CHARS);
        // leading zeros of the last part are padding (Arsenal drops them the same way)
        int start = 2 * B62_HALF_CHARS;
        while (start < external.length() && external.charAt(start) == '0') {
            start++;
        }
        BigInteger rest = fromBase62(external, start, external.length());
        byte[] restBytes = rest.signum() == 0 ? new byte[0] : unsigned(rest.toByteArray());
        String p1 = part1.toString();
        String p2 = part2.toString();
        if (p1.length() > B62_HALF_DIGITS || p2.length() > B62_HALF_DIGITS) {
            throw new InvalidMetadataException("invalid version id \"" + external + "\": base62 number out of range");
        }
        return padLeftZeros(p1, B62_HALF_DIGITS) + padLeftZeros(p2, B62_HALF_DIGITS)
                + new String(restBytes, StandardCharsets.UTF_8);
    }

    /**
     * A CloudServer-style internal id: {@code pad14(MAX_TS - epochMs) + pad6(MAX_SEQ - seq) +
     * padRight7(replicationGroupId)} (27 characters).
     */
    public static String generate(long epochMs, int seq, String replicationGroupId) {
        return generate(epochMs, seq, replicationGroupId, "");
    }

    /**
     * A CloudServer-style internal id with its {@code info} suffix (CloudServer 8.8 in hex mode appends an
     * instance-unique string, e.g. {@code 16051.0}).
     */
    public static String generate(long epochMs, int seq, String replicationGroupId, String info) {
        if (epochMs < 0 || epochMs > MAX_TS) {
            throw new IllegalArgumentException("epochMs out of range: " + epochMs);
        }
        if (seq < 0 || seq > MAX_SEQ) {
            throw new IllegalArgumentException("seq out of range 0.." + MAX_SEQ + ": " + seq);
        }
        Objects.requireNonNull(replicationGroupId, "replicationGroupId");
        String rg = (replicationGroupId + " ".repeat(LENGTH_RG)).substring(0, LENGTH_RG);
        return padLeftZeros(Long.toString(MAX_TS - epochMs), LENGTH_TS)
                + padLeftZeros(Integer.toString(MAX_SEQ - seq), LENGTH_SEQ)
                + rg + (info == null ? "" : info);
    }

    /** The write time (epoch ms) encoded in an internal id. */
    public static long epochMillis(String internal) {
        return MAX_TS - digits(internal, 0, LENGTH_TS);
    }

    /** The position in the millisecond encoded in an internal id. */
    public static int sequence(String internal) {
        return (int) (MAX_SEQ - digits(internal, LENGTH_TS, LENGTH_TS + LENGTH_SEQ));
    }

    /** The replication group id (7 characters, right-padded with spaces) of an internal id. */
    public static String replicationGroupId(String internal) {
        if (internal.length() < SHORT_ID_LENGTH) {
            throw new InvalidMetadataException("invalid version id \"" + internal + "\": shorter than "
                    + SHORT_ID_LENGTH + " characters");
        }
        return internal.substring(LENGTH_TS + LENGTH_SEQ, SHORT_ID_LENGTH);
    }

    /**
     * Generates increasing-in-time (so decreasing in sort order) internal ids like CloudServer does: the
     * sequence counts writes within the same millisecond. Thread-safe.
     */
    public static final class Generator {
        private final String replicationGroupId;
        private final String info;
        private final java.util.function.LongSupplier clock;
        private long lastMs = -1;
        private int lastSeq;

        public Generator(String replicationGroupId, String info, java.util.function.LongSupplier clock) {
            this.replicationGroupId = Objects.requireNonNull(replicationGroupId, "replicationGroupId");
            this.info = info == null ? "" : info;
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        public synchronized String next() {
            long now = clock.getAsLong();
            if (now < lastMs) {
                now = lastMs; // never go back in time: ids must keep decreasing
            }
            lastSeq = now == lastMs ? lastSeq + 1 : 0;
            lastMs = now;
            return generate(now, lastSeq, replicationGroupId, info);
        }
    }

    private static long digits(String s, int from, int to) {
        if (s.length() < to) {
            throw new InvalidMetadataException("invalid version id \"" + s + "\": shorter than " + to + " characters");
        }
        String d = s.substring(from, to);
        for (int i = 0; i < d.length(); i++) {
            if (d.charAt(i) < '0' || d.charAt(i) > '9') {
                throw new InvalidMetadataException("invalid version id \"" + s + "\": characters " + from + ".."
                        + (to - 1) + " must be digits, got \"" + d + "\"");
            }
        }
        return Long.parseLong(d);
    }

    private static String toBase62(BigInteger value) {
        if (value.signum() == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        BigInteger v = value;
        while (v.signum() > 0) {
            BigInteger[] qr = v.divideAndRemainder(SIXTY_TWO);
            sb.append(ALPHABET.charAt(qr[1].intValue()));
            v = qr[0];
        }
        return sb.reverse().toString();
    }

    /** base-x style: the bytes as one big number, each leading zero byte as a leading '0'. */
    private static String bytesToBase62(byte[] bytes) {
        int zeros = 0;
        while (zeros < bytes.length && bytes[zeros] == 0) {
            zeros++;
        }
        if (zeros == bytes.length) {
            return "0".repeat(zeros);
        }
        return "0".repeat(zeros) + toBase62(new BigInteger(1, bytes));
    }

    private static BigInteger fromBase62(String s, int from, int to) {
        BigInteger v = BigInteger.ZERO;
        for (int i = from; i < to; i++) {
            int digit = ALPHABET.indexOf(s.charAt(i));
            if (digit < 0) {
                throw new InvalidMetadataException("invalid version id \"" + s + "\": '" + s.charAt(i)
                        + "' at position " + i + " is not a base62 character");
            }
            v = v.multiply(SIXTY_TWO).add(BigInteger.valueOf(digit));
        }
        return v;
    }

    private static byte[] unsigned(byte[] twosComplement) {
        if (twosComplement.length > 1 && twosComplement[0] == 0) {
            byte[] b = new byte[twosComplement.length - 1];
            System.arraycopy(twosComplement, 1, b, 0, b.length);
            return b;
        }
        return twosComplement;
    }

    private static String padLeft(String s, int width) {
        // Arsenal pads on the left and keeps the last `width` characters
        String padded = "0".repeat(Math.max(0, width - s.length())) + s;
        return padded.substring(padded.length() - width);
    }

    private static String padLeftZeros(String s, int width) {
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }
}
