package io.backbeat.connect.sandbox.sourcesite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Turns a request body into the object payload, checking on the way what the client promised:
 * {@code x-amz-content-sha256} (a hex hash, UNSIGNED-PAYLOAD, or one of the aws-chunked streaming modes the AWS
 * SDKs use, with per-chunk and trailer signatures), {@code Content-MD5}, {@code x-amz-checksum-*} headers and
 * trailers, and {@code x-amz-decoded-content-length}. A broken promise surfaces from {@code read()} as a
 * {@link PayloadException} carrying the S3 error; the caller must not keep the data.
 */
final class PayloadDecoder {

    static final String UNSIGNED = "UNSIGNED-PAYLOAD";
    static final String STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    static final String STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    static final String STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    private static final int MAX_CHUNK = 64 * 1024 * 1024;

    /** An S3 error found while reading the body. */
    static final class PayloadException extends IOException {
        private static final long serialVersionUID = 1L;
        private final S3Exception error;

        PayloadException(S3Exception error) {
            super(error.getMessage());
            this.error = error;
        }

        S3Exception error() {
            return error;
        }
    }

    private PayloadDecoder() {
    }

    /** Wraps {@code body} according to the request's payload headers. */
    static InputStream decode(InputStream body, RequestAuthenticator.AuthContext auth,
            Function<String, String> header) {
        String mode = auth.payloadHash();
        List<Check> checks = new ArrayList<>();
        String md5 = header.apply("content-md5");
        if (md5 != null) {
            checks.add(new Check("Content-MD5", Digest.of("md5"), md5));
        }
        for (String alg : Digest.NAMES) {
            String v = header.apply("x-amz-checksum-" + alg);
            if (v != null) {
                checks.add(new Check("x-amz-checksum-" + alg, Digest.of(alg), v));
            }
        }
        Long decodedLength = parseLength(header.apply("x-amz-decoded-content-length"));
        switch (mode) {
            case UNSIGNED:
                return new Verifying(body, checks, null, null);
            case STREAMING_SIGNED:
            case STREAMING_SIGNED_TRAILER:
            case STREAMING_UNSIGNED_TRAILER: {
                // The streaming mode is what x-amz-content-sha256 says; like S3, do not insist on Content-Encoding
                // aws-chunked (the AWS SDK v2 sends only the object's own encoding, e.g. gzip, there).
                if (decodedLength == null) {
                    throw new S3Exception(411, "MissingContentLength",
                            "aws-chunked uploads need an x-amz-decoded-content-length header");
                }
                String trailer = header.apply("x-amz-trailer");
                Check trailerCheck = null;
                if (trailer != null) {
                    String name = trailer.trim().toLowerCase(Locale.ROOT);
                    if (!name.startsWith("x-amz-checksum-")) {
                        throw S3Exception.invalidArgument("unsupported x-amz-trailer '" + trailer + "'");
                    }
                    trailerCheck = new Check(name, Digest.of(name.substring("x-amz-checksum-".length())), null);
                } else if (!mode.equals(STREAMING_SIGNED)) {
                    throw S3Exception.invalidArgument(mode + " needs an x-amz-trailer header");
                }
                InputStream chunks = new AwsChunked(body, mode.equals(STREAMING_UNSIGNED_TRAILER) ? null : auth,
                        trailerCheck, mode.equals(STREAMING_SIGNED_TRAILER));
                return new Verifying(chunks, checks, null, decodedLength);
            }
            default:
                if (mode.matches("[0-9a-f]{64}")) {
                    return new Verifying(body, checks, mode, null);
                }
                if (mode.startsWith("STREAMING-")) {
                    throw S3Exception.notImplemented("x-amz-content-sha256 " + mode);
                }
                throw new S3Exception(400, "InvalidArgument", "x-amz-content-sha256 must be the hex SHA-256 of the "
                        + "body, UNSIGNED-PAYLOAD or a STREAMING-* mode, got '" + mode + "'");
        }
    }

    private static Long parseLength(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw S3Exception.invalidArgument("x-amz-decoded-content-length is not a number: " + v);
        }
    }

    /** A checksum the client sent (header or trailer) and the digest computing ours. */
    private static final class Check {
        final String name;
        final Digest digest;
        String expected;

        Check(String name, Digest digest, String expected) {
            this.name = name;
            this.digest = digest;
            this.expected = expected;
        }

        void verify() throws PayloadException {
            String actual = Base64.getEncoder().encodeToString(digest.finish());
            if (!actual.equals(expected == null ? null : expected.trim())) {
                throw new PayloadException(new S3Exception(400, "BadDigest", "The " + name + " you specified ("
                        + expected + ") did not match the calculated checksum (" + actual + ")"));
            }
        }
    }

    /** Checks hashes, checksums and the decoded length once the wrapped stream is exhausted. */
    private static final class Verifying extends InputStream {
        private final InputStream in;
        private final List<Check> checks;
        private final MessageDigest sha256;
        private final String expectedSha256;
        private final Long expectedLength;
        private long length;
        private boolean done;

        Verifying(InputStream in, List<Check> checks, String expectedSha256, Long expectedLength) {
            this.in = in;
            this.checks = checks;
            this.expectedSha256 = expectedSha256;
            this.sha256 = expectedSha256 == null ? null : SigV4.sha256();
            this.expectedLength = expectedLength;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            int n = in.read(b, off, len);
            if (n < 0) {
                done = true;
                finish();
                return -1;
            }
            length += n;
            if (sha256 != null) {
                sha256.update(b, off, n);
            }
            for (Check c : checks) {
                c.digest.update(b, off, n);
            }
            return n;
        }

        private void finish() throws PayloadException {
            if (sha256 != null) {
                String actual = HexFormat.of().formatHex(sha256.digest());
                if (!actual.equals(expectedSha256)) {
                    throw new PayloadException(new S3Exception(400, "XAmzContentSHA256Mismatch",
                            "The provided 'x-amz-content-sha256' header (" + expectedSha256
                                    + ") does not match what was computed (" + actual + ")"));
                }
            }
            if (expectedLength != null && expectedLength != length) {
                throw new PayloadException(new S3Exception(400, "IncompleteBody", "x-amz-decoded-content-length "
                        + "announced " + expectedLength + " bytes, the body decoded to " + length));
            }
            for (Check c : checks) {
                c.verify();
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Decodes aws-chunked bodies, verifying chunk signatures (signed modes) and the trailer. */
    private static final class AwsChunked extends InputStream {
        private final InputStream in;
        private final RequestAuthenticator.AuthContext auth;
        private final Check trailer;
        private final boolean signedTrailer;
        private String previousSignature;
        private byte[] chunk = new byte[0];
        private int pos;
        private boolean finished;

        AwsChunked(InputStream in, RequestAuthenticator.AuthContext auth, Check trailer, boolean signedTrailer) {
            this.in = in;
            this.auth = auth;
            this.trailer = trailer;
            this.signedTrailer = signedTrailer;
            this.previousSignature = auth == null ? null : auth.seedSignature();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pos >= chunk.length) {
                if (finished || !nextChunk()) {
                    return -1;
                }
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean nextChunk() throws IOException {
            String header = readLine();
            if (header == null) {
                throw bad("the aws-chunked body ended without its final 0-length chunk");
            }
            String sizeText = header;
            String chunkSignature = null;
            int semi = header.indexOf(';');
            if (semi >= 0) {
                sizeText = header.substring(0, semi);
                String ext = header.substring(semi + 1).trim();
                if (ext.startsWith("chunk-signature=")) {
                    chunkSignature = ext.substring("chunk-signature=".length());
                }
            }
            int size;
            try {
                size = Integer.parseInt(sizeText.trim(), 16);
            } catch (NumberFormatException e) {
                throw bad("bad aws-chunked chunk header '" + header + "'");
            }
            if (size < 0 || size > MAX_CHUNK) {
                throw bad("aws-chunked chunk size " + size + " is out of range");
            }
            byte[] data = in.readNBytes(size);
            if (data.length != size) {
                throw bad("the aws-chunked body ended inside a chunk");
            }
            if (auth != null) {
                if (chunkSignature == null) {
                    throw bad("signed aws-chunked chunk without chunk-signature");
                }
                String toSign = "AWS4-HMAC-SHA256-PAYLOAD\n" + auth.amzDate() + "\n" + auth.scope() + "\n"
                        + previousSignature + "\n" + SigV4.EMPTY_SHA256 + "\n" + SigV4.sha256Hex(data);
                String expected = SigV4.signature(auth.signingKey(), toSign);
                if (!expected.equals(chunkSignature)) {
                    throw new PayloadException(new S3Exception(403, "SignatureDoesNotMatch",
                            "The chunk signature we calculated does not match the one you provided"));
                }
                previousSignature = chunkSignature;
            }
            if (size > 0) {
                String crlf = readLine();
                if (crlf == null || !crlf.isEmpty()) {
                    throw bad("aws-chunked chunk data is not followed by CRLF");
                }
                chunk = data;
                pos = 0;
                if (trailer != null) {
                    trailer.digest.update(data, 0, data.length);
                }
                return true;
            }
            finished = true;
            readTrailer();
            return false;
        }

        private void readTrailer() throws IOException {
            Map<String, String> trailers = new LinkedHashMap<>();
            String line;
            while ((line = readLine()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw bad("bad aws-chunked trailer line '" + line + "'");
                }
                trailers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1)
                        .trim());
            }
            if (trailer == null) {
                return;
            }
            String value = trailers.get(trailer.name);
            if (value == null) {
                throw bad("the aws-chunked trailer does not carry the announced " + trailer.name);
            }
            if (signedTrailer) {
                String signature = trailers.get("x-amz-trailer-signature");
                if (signature == null) {
                    throw bad("the signed aws-chunked trailer has no x-amz-trailer-signature");
                }
                String canonical = trailer.name + ":" + value + "\n";
                String toSign = "AWS4-HMAC-SHA256-TRAILER\n" + auth.amzDate() + "\n" + auth.scope() + "\n"
                        + previousSignature + "\n" + SigV4.sha256Hex(canonical);
                if (!SigV4.signature(auth.signingKey(), toSign).equals(signature)) {
                    throw new PayloadException(new S3Exception(403, "SignatureDoesNotMatch",
                            "The trailer signature we calculated does not match the one you provided"));
                }
            }
            trailer.expected = value;
            trailer.verify();
        }

        /** A CRLF-terminated line, or null at end of stream before any byte. */
        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\r') {
                    int next = in.read();
                    if (next == '\n') {
                        return line.toString(StandardCharsets.ISO_8859_1);
                    }
                    throw bad("CR without LF in the aws-chunked framing");
                }
                if (c == '\n') {
                    return line.toString(StandardCharsets.ISO_8859_1);
                }
                line.write(c);
                if (line.size() > 8192) {
                    throw bad("aws-chunked framing line too long");
                }
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }

        private static PayloadException bad(String message) {
            return new PayloadException(new S3Exception(400, "IncompleteBody", message));
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The checksum algorithms S3 clients send, with their S3 value encodings (big-endian bytes). */
    abstract static class Digest {
        static final List<String> NAMES = List.of("crc32", "crc32c", "crc64nvme", "sha1", "sha256");

        abstract void update(byte[] b, int off, int len);

        abstract byte[] finish();

        static Digest of(String name) {
            switch (name) {
                case "md5":
                    return message("MD5");
                case "sha1":
                    return message("SHA-1");
                case "sha256":
                    return message("SHA-256");
                case "crc32":
                    return checksum(new CRC32(), 4);
                case "crc32c":
                    return checksum(new CRC32C(), 4);
                case "crc64nvme":
                    return new Crc64Nvme();
                default:
                    throw S3Exception.invalidArgument("unsupported checksum algorithm '" + name + "'");
            }
        }

        private static Digest message(String alg) {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance(alg);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return new Digest() {
                @Override
                void update(byte[] b, int off, int len) {
                    md.update(b, off, len);
                }

                @Override
                byte[] finish() {
                    return md.digest();
                }
            };
        }

        private static Digest checksum(java.util.zip.Checksum sum, int bytes) {
            return new Digest() {
                @Override
                void update(byte[] b, int off, int len) {
                    sum.update(b, off, len);
                }

                @Override
                byte[] finish() {
                    return toBytes(sum.getValue(), bytes);
                }
            };
        }

        static byte[] toBytes(long v, int bytes) {
            byte[] out = new byte[bytes];
            for (int i = bytes - 1; i >= 0; i--) {
                out[i] = (byte) v;
                v >>>= 8;
            }
            return out;
        }
    }

    /** CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones). */
    private static final class Crc64Nvme extends Digest {
        private static final long[] TABLE = new long[256];

        static {
            for (int i = 0; i < 256; i++) {
                long crc = i;
                for (int j = 0; j < 8; j++) {
                    crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x9a6c9329ac4bc9b5L : crc >>> 1;
                }
                TABLE[i] = crc;
            }
        }

        private long crc = -1L;

        @Override
        void update(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
            }
        }

        @Override
        byte[] finish() {
            return toBytes(~crc, 8);
        }
    }
}
