package io.backbeat.connect.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backbeat.connect.testbed.ceph.CephRgw;

import java.util.List;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** A real Ceph RADOS Gateway answers S3 with versioning, through the AWS SDK v2 with checksums "when required". */
class CephRgwSmokeTest {

    @Test
    void versionedPutAndGetOnARealGateway() {
        CephRgw rgw = CephRgw.shared();
        try (S3Client s3 = rgw.endpoint().newClient()) {
            String bucket = "ceph-smoke-" + System.nanoTime();
            s3.createBucket(b -> b.bucket(bucket));
            s3.putBucketVersioning(b -> b.bucket(bucket)
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));

            PutObjectResponse first = s3.putObject(b -> b.bucket(bucket).key("dir/object").contentType("text/plain")
                    .metadata(java.util.Map.of("origin", "first")), RequestBody.fromString("version one"));
            PutObjectResponse second = s3.putObject(b -> b.bucket(bucket).key("dir/object"),
                    RequestBody.fromString("version two"));
            assertNotNull(first.versionId());
            assertNotEquals(first.versionId(), second.versionId());

            var old = s3.getObjectAsBytes(b -> b.bucket(bucket).key("dir/object").versionId(first.versionId()));
            assertEquals("version one", old.asUtf8String());
            assertEquals("first", old.response().metadata().get("origin"));
            assertEquals("version two", s3.getObjectAsBytes(b -> b.bucket(bucket).key("dir/object")).asUtf8String());

            List<ObjectVersion> versions = s3.listObjectVersions(b -> b.bucket(bucket)).versions();
            assertEquals(2, versions.size());
            assertTrue(versions.stream().anyMatch(v -> v.isLatest() && v.versionId().equals(second.versionId())));
        }
    }
}
