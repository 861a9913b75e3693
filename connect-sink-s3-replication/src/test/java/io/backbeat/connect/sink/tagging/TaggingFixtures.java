package io.backbeat.connect.sink.tagging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.testbed.s3.S3Endpoint;
import io.backbeat.connect.testbed.s3.S3TestServer;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Log entries as the source connector writes them, and an S3 client that counts the calls it makes. */
final class TaggingFixtures {

    static final String INTERNAL_VERSION = "98376906954349999999RG001  145.20.5";

    private static S3TestServer s3;

    private TaggingFixtures() {
    }

    /**
     * One S3Mock for the tagging test classes of this JVM (started on first use, stopped at JVM exit): its
     * start is the slow part of these tests.
     */
    static synchronized S3TestServer s3() {
        if (s3 == null) {
            S3TestServer server = S3TestServer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tagging-test-s3-stop"));
            s3 = server;
        }
        return s3;
    }

    /** Metadata of a plain object version with the given (S3 form) tags. */
    static ObjectMetadata metadata(String key, Map<String, String> tags) {
        return ObjectMetadata.parse("{}").withField("key", key).withField("content-length", 5).withTags(tags);
    }

    /** The entry of a version key ({@code \x7fV<key>\0<id>}) carrying S3 version id {@code versionId}. */
    static LogEntry versionPut(String bucket, String key, String versionId, ObjectMetadata md) {
        return LogEntry.object(LogEntry.Type.PUT, bucket, key, versionId, "\u007fV" + key + "\u0000" + INTERNAL_VERSION,
                md.toJson(), 1_700_000_000_000L);
    }

    /** The entry of a master key ({@code \x7fM<key>}); {@code versionId} null for a non-versioned object. */
    static LogEntry masterPut(String bucket, String key, String versionId, ObjectMetadata md) {
        return LogEntry.object(LogEntry.Type.PUT, bucket, key, versionId, "\u007fM" + key, md.toJson(),
                1_700_000_000_000L);
    }

    /** S3 operation name → number of attempts (every HTTP request, retries included). */
    static final class CallCounter implements ExecutionInterceptor {
        private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                    k -> new AtomicInteger()).incrementAndGet();
        }

        int count(String operation) {
            AtomicInteger n = calls.get(operation);
            return n == null ? 0 : n.get();
        }

        int total() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        void reset() {
            calls.clear();
        }
    }

    /** A client of {@code endpoint} reporting to {@code counter}, set up like the test bed's clients. */
    static S3Client countingClient(S3Endpoint endpoint, CallCounter counter) {
        return S3Client.builder()
                .endpointOverride(endpoint.endpoint())
                .region(Region.of(endpoint.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(endpoint.accessKey(), endpoint.secretKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.addExecutionInterceptor(counter)
                        .retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .build();
    }
}
