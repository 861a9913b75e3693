package io.backbeat.connect.testbed.s3;

import java.net.URI;
import java.util.Objects;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Where a test S3 service listens and how to sign for it.
 *
 * <p>{@link #newClient()} builds the test-side client: path-style addressing (no DNS for bucket hosts on
 * loopback) and checksums only "when required" (Ceph RGW Pacific rejects the SDK's default streaming checksum
 * trailer; S3Mock accepts both), so one client setup works against S3Mock, Ceph and AWS.
 */
public record S3Endpoint(URI endpoint, String region, String accessKey, String secretKey) {

    public S3Endpoint {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
    }

    /** A new client for this endpoint; the caller closes it. An https endpoint's certificate is not checked. */
    public S3Client newClient() {
        // Apache HttpClient 4: reads responses with any number of headers (one per user metadata entry)
        ApacheHttpClient.Builder http = ApacheHttpClient.builder();
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .forcePathStyle(true)
                // test-bed servers on loopback use self-signed certificates
                .httpClient("https".equals(endpoint.getScheme()) ? http.buildWithDefaults(AttributeMap.builder()
                        .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE).build()) : http.build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @Override
    public String toString() {
        // the secret stays out of logs and assertion messages
        return "S3Endpoint[" + endpoint + ", region=" + region + ", accessKey=" + accessKey + "]";
    }
}
