package io.backbeat.connect.sandbox.sourcesite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** aws-chunked decoding as the SDKs send it over HTTPS (unsigned chunks, checksum trailer). */
class PayloadDecoderTest {

    private static RequestAuthenticator.AuthContext auth(String payloadHash) {
        return new RequestAuthenticator.AuthContext(Account.CLOUDSERVER_DEFAULT, new byte[32], "20261122T000000Z",
                "20261122/us-east-1/s3/aws4_request", "seed", payloadHash);
    }

    private static String crc32(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        return Base64.getEncoder().encodeToString(PayloadDecoder.Digest.toBytes(c.getValue(), 4));
    }

    private static byte[] unsignedTrailerBody(byte[] data, String checksum) {
        String body = Integer.toHexString(5) + "\r\n" + new String(data, 0, 5, StandardCharsets.ISO_8859_1) + "\r\n"
                + Integer.toHexString(data.length - 5) + "\r\n"
                + new String(data, 5, data.length - 5, StandardCharsets.ISO_8859_1) + "\r\n"
                + "0\r\nx-amz-checksum-crc32:" + checksum + "\r\n\r\n";
        return body.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static InputStream decode(byte[] body, long decodedLength) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-encoding", "aws-chunked");
        headers.put("x-amz-trailer", "x-amz-checksum-crc32");
        headers.put("x-amz-decoded-content-length", Long.toString(decodedLength));
        return PayloadDecoder.decode(new ByteArrayInputStream(body),
                auth(PayloadDecoder.STREAMING_UNSIGNED_TRAILER), headers::get);
    }

    @Test
    void unsignedChunksWithChecksumTrailerDecode() throws Exception {
        byte[] data = "hello aws-chunked world".getBytes(StandardCharsets.US_ASCII);
        try (InputStream in = decode(unsignedTrailerBody(data, crc32(data)), data.length)) {
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void aWrongTrailerChecksumIsBadDigest() {
        byte[] data = "hello aws-chunked world".getBytes(StandardCharsets.US_ASCII);
        PayloadDecoder.PayloadException e = assertThrows(PayloadDecoder.PayloadException.class, () -> {
            try (InputStream in = decode(unsignedTrailerBody(data, crc32("other".getBytes())), data.length)) {
                in.readAllBytes();
            }
        });
        assertEquals("BadDigest", e.error().code());
    }

    @Test
    void aShortBodyIsIncomplete() {
        byte[] data = "hello aws-chunked world".getBytes(StandardCharsets.US_ASCII);
        PayloadDecoder.PayloadException e = assertThrows(PayloadDecoder.PayloadException.class, () -> {
            try (InputStream in = decode(unsignedTrailerBody(data, crc32(data)), data.length + 1)) {
                in.readAllBytes();
            }
        });
        assertEquals("IncompleteBody", e.error().code());
    }

    @Test
    void unknownPayloadModesAreRefused() {
        S3Exception e = assertThrows(S3Exception.class, () -> PayloadDecoder.decode(
                new ByteArrayInputStream(new byte[0]), auth("SOMETHING"), h -> null));
        assertEquals("InvalidArgument", e.code());
    }
}
