package io.backbeat.connect.sink.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.backbeat.connect.testbed.ceph.CephRgw;
import io.backbeat.connect.testbed.s3.S3Endpoint;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * {@code chunked.upload=false} against a real Ceph RADOS Gateway (Pacific): streamed uploads (a content provider, as
 * the replicator sends them) keep exactly the object's own Content-Encoding, or none; on http the payload is
 * signed (read twice), on https it goes unsigned (read once).
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

    @Test
    void overHttpsTheBodyIsReadOnceAndTheGatewayCertificateCanBeTrusted() {
        S3Endpoint tls = CephRgw.shared().httpsEndpoint();
        Map<String, String> props = new java.util.HashMap<>(props(tls, false));
        props.put(S3ClientConfig.TRUST_ALL, "true"); // the test gateway's self-signed certificate
        AtomicInteger opened = new AtomicInteger();
        HeadObjectResponse head = upload(S3ClientConfig.of("", props), "br", opened);
        assertEquals(1, opened.get(), "over https the payload is sent unsigned: the body is opened once");
        assertEquals("br", head.contentEncoding());

        // without trusting it, the self-signed certificate is refused: the client does not silently go on
        props.remove(S3ClientConfig.TRUST_ALL);
        try (S3Connection strict = S3ClientFactory.connect(S3ClientConfig.of("", props))) {
            SdkClientException e = assertThrows(SdkClientException.class,
                    () -> strict.s3().headBucket(h -> h.bucket(bucket)));
            assertTrue(String.valueOf(e.getMessage()).contains("certification path")
                    || String.valueOf(e.getCause()).contains("certification path"), String.valueOf(e));
        }
    }

    @Test
    void aTrustStoreHoldingTheGatewayCertificateIsTrustedWithHostNamesVerified(@TempDir Path dir) throws Exception {
        CephRgw rgw = CephRgw.shared();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream pem = Files.newInputStream(rgw.certificate())) {
            store.setCertificateEntry("rgw", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        Path file = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "trust-pass".toCharArray());
        }
        Map<String, String> props = new java.util.HashMap<>(props(rgw.httpsEndpoint(), false));
        props.put(S3ClientConfig.TRUSTSTORE_LOCATION, file.toString());
        props.put(S3ClientConfig.TRUSTSTORE_PASSWORD, "trust-pass");
        AtomicInteger opened = new AtomicInteger();
        assertEquals("br", upload(S3ClientConfig.of("", props), "br", opened).contentEncoding());

        // the same certificate for another host name is refused: the name is checked, not only the signature
        props.put(S3ClientConfig.ENDPOINT, rgw.httpsEndpointUri().toString().replace("127.0.0.1", "localhost"));
        try (S3Connection wrongName = S3ClientFactory.connect(S3ClientConfig.of("", props))) {
            SdkClientException e = assertThrows(SdkClientException.class,
                    () -> wrongName.s3().headBucket(h -> h.bucket(bucket)));
            assertTrue(String.valueOf(e.getMessage()).contains("localhost")
                    || String.valueOf(e.getCause()).contains("localhost"), String.valueOf(e));
        }
    }

    private static HeadObjectResponse upload(String contentEncoding) {
        AtomicInteger opened = new AtomicInteger();
        HeadObjectResponse head = upload(config(false), contentEncoding, opened);
        // on http the signature covers the payload's SHA-256: the body is read once to hash, once to send
        assertEquals(2, opened.get(), "times the body was opened");
        return head;
    }

    private static HeadObjectResponse upload(S3ClientConfig config, String contentEncoding, AtomicInteger opened) {
        try (S3Connection connection = S3ClientFactory.connect(config)) {
            S3Client s3 = connection.s3();
            String key = "object-" + contentEncoding;
            String versionId = s3.putObject(p -> p.bucket(bucket).key(key).contentEncoding(contentEncoding)
                    .contentLength((long) DATA.length), RequestBody.fromContentProvider(() -> {
                        opened.incrementAndGet();
                        return new ByteArrayInputStream(DATA);
                    }, DATA.length, "application/octet-stream")).versionId();
            return s3.headObject(h -> h.bucket(bucket).key(key).versionId(versionId));
        }
    }

    private static S3ClientConfig config(boolean chunked) {
        return S3ClientConfig.of("", props(ceph, chunked));
    }

    private static Map<String, String> props(S3Endpoint e, boolean chunked) {
        return Map.of(S3ClientConfig.ENDPOINT, e.endpoint().toString(),
                S3ClientConfig.REGION, e.region(), S3ClientConfig.ACCESS_KEY_ID, e.accessKey(),
                S3ClientConfig.SECRET_ACCESS_KEY, e.secretKey(), S3ClientConfig.CHECKSUM, "when_required",
                S3ClientConfig.CHUNKED_UPLOAD, Boolean.toString(chunked));
    }
}
