package io.backbeat.connect.sink.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.backbeat.connect.testbed.ceph.CephRgw;
import io.backbeat.connect.testbed.s3.S3Endpoint;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * {@code chunked.upload=false} against a real Ceph RADOS Gateway (Pacific) on http: streamed uploads (a content
 * provider, as the replicator sends them) keep exactly the object's own Content-Encoding, or none.
 */
class UnchunkedUploadCephTest {

    private static final byte[] DATA = new byte[3_000];

    private static S3Endpoint ceph;
    private static String bucket;

    @BeforeAll
    static void bucket() {
        ceph = CephRgw.shared().endpoint();
        bucket = "unchunked-" + System.nanoTime();
        try (S3Client admin = ceph.newClient()) {
            admin.createBucket(b -> b.bucket(bucket));
            admin.putBucketVersioning(b -> b.bucket(bucket)
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }
    }

    @Test
    void configDefaultsToChunkedAndSaysSoWhenNot() {
        assertTrue(config(true).chunkedUpload());
        assertFalse(config(false).chunkedUpload());
        assertTrue(config(false).toString().contains("unchunked"), config(false).toString());
    }

    @Test
    void anObjectWithItsOwnContentEncodingIsStoredWithIt() {
        assertEquals("gzip", upload("gzip").contentEncoding());
    }

    @Test
    void anObjectWithoutContentEncodingGetsNone() {
        assertEquals(null, upload(null).contentEncoding());
    }

    private static HeadObjectResponse upload(String contentEncoding) {
        AtomicInteger opened = new AtomicInteger();
        try (S3Connection connection = S3ClientFactory.connect(config(false))) {
            S3Client s3 = connection.s3();
            String key = "object-" + contentEncoding;
            String versionId = s3.putObject(p -> p.bucket(bucket).key(key).contentEncoding(contentEncoding)
                    .contentLength((long) DATA.length), RequestBody.fromContentProvider(() -> {
                        opened.incrementAndGet();
                        return new ByteArrayInputStream(DATA);
                    }, DATA.length, "application/octet-stream")).versionId();
            // on http the signature covers the payload's SHA-256: the body is read once to hash, once to send
            assertEquals(2, opened.get(), "times the body was opened");
            return s3.headObject(h -> h.bucket(bucket).key(key).versionId(versionId));
        }
    }

    private static S3ClientConfig config(boolean chunked) {
        return S3ClientConfig.of("", Map.of(S3ClientConfig.ENDPOINT, ceph.endpoint().toString(),
                S3ClientConfig.REGION, ceph.region(), S3ClientConfig.ACCESS_KEY_ID, ceph.accessKey(),
                S3ClientConfig.SECRET_ACCESS_KEY, ceph.secretKey(), S3ClientConfig.CHECKSUM, "when_required",
                S3ClientConfig.CHUNKED_UPLOAD, Boolean.toString(chunked)));
    }
}
