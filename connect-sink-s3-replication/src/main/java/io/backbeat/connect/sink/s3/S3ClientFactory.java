package io.backbeat.connect.sink.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SystemPropertyTlsKeyManagersProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * The one place that builds S3 clients: a synchronous {@link S3Client} over the Apache HTTP client, its TLS
 * connections writing full-size records ({@link CoalescingTlsSocketFactory}).
 *
 * <p>Why synchronous: data flows from the source GET's input stream straight into the destination PUT
 * through a small socket buffer, so memory does not depend on object size; parts of a multipart copy
 * run concurrently on our own bounded pool. The SDK's own retries are switched off: the connector's
 * {@link io.backbeat.connect.sink.retry.RetryPolicy} is the only retry policy, and a streamed body
 * cannot be replayed by the SDK anyway.
 */
public final class S3ClientFactory {

    private static final Logger LOG = LoggerFactory.getLogger(S3ClientFactory.class);

    private S3ClientFactory() {
    }

    /** Builds the clients for one endpoint. The caller closes the result. */
    public static S3Connection connect(S3ClientConfig config) {
        List<AutoCloseable> closeables = new ArrayList<>();
        SdkHttpClient http = httpClient(config);
        AwsCredentialsProvider credentials;
        try {
            credentials = credentials(config, http, closeables);
            S3ClientBuilder builder = S3Client.builder();
            if (config.endpoint() != null) {
                builder.endpointOverride(config.endpoint());
            }
            builder
                    .httpClient(http)
                    .region(Region.of(config.region()))
                    .credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build())
                    .requestChecksumCalculation(config.checksumMode() == S3ClientConfig.ChecksumMode.WHEN_REQUIRED
                            ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
                    .responseChecksumValidation(config.checksumMode() == S3ClientConfig.ChecksumMode.WHEN_REQUIRED
                            ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED)
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
            if (!config.chunkedUpload()) {
                builder.addPlugin(UNCHUNKED_PAYLOAD);
            }
            S3Client s3 = builder.build();
            closeables.add(0, s3);
            closeables.add(http);
            return new S3Connection(config, s3, http, credentials, closeables);
        } catch (RuntimeException e) {
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            http.close();
            throw e;
        }
    }

    /**
     * A plugin that signs the whole payload instead of streaming it as aws-chunked: on every client with
     * {@link S3ClientConfig#CHUNKED_UPLOAD} false, and on requests with an empty body (Ceph RGW Pacific refuses a
     * zero-length aws-chunked upload with XAmzContentSHA256Mismatch; hashing nothing up front costs nothing).
     */
    public static final SdkPlugin UNCHUNKED_PAYLOAD = config -> {
        S3ServiceClientConfiguration.Builder s3 = (S3ServiceClientConfiguration.Builder) config;
        S3AuthSchemeProvider delegate = s3.authSchemeProvider();
        s3.authSchemeProvider(params -> delegate.resolveAuthScheme(params).stream()
                .map(option -> option.toBuilder()
                        .putSignerProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false).build())
                .collect(Collectors.toList()));
    };

    static SdkHttpClient httpClient(S3ClientConfig config) {
        // Apache HttpClient 4: no limit on response header count (an object may carry 100+ user metadata
        // headers; the HttpClient 5 based client refuses more than 100).
        return ApacheHttpClient.builder()
                .maxConnections(config.maxConnections())
                .connectionTimeout(config.connectionTimeout())
                .socketTimeout(config.socketTimeout())
                .connectionAcquisitionTimeout(Duration.ofMinutes(5))
                .tcpKeepAlive(true)
                .socketFactory(tlsSocketFactory(config))
                .build();
    }

    /** TLS as the SDK would set it up (the same trust and key managers, host names verified unless trust-all). */
    private static CoalescingTlsSocketFactory tlsSocketFactory(S3ClientConfig config) {
        if (config.trustAll()) {
            LOG.warn("{}{}=true: certificates and host names of {} are not verified (for test gateways only)",
                    config.prefix(), S3ClientConfig.TRUST_ALL, config.endpoint());
        }
        TrustManager[] trust = config.trustAll() ? new TrustManager[] {TRUST_ALL}
                : config.truststoreLocation().isEmpty() ? null : trustStore(config);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(SystemPropertyTlsKeyManagersProvider.create().keyManagers(), trust, null);
            return new CoalescingTlsSocketFactory(context, config.trustAll() ? NoopHostnameVerifier.INSTANCE
                    : SSLConnectionSocketFactory.getDefaultHostnameVerifier());
        } catch (GeneralSecurityException e) {
            throw new ConfigException(config.prefix() + S3ClientConfig.ENDPOINT, config.endpoint(),
                    "cannot set up TLS: " + e.getMessage());
        }
    }

    /** For {@link S3ClientConfig#TRUST_ALL}: test gateways with self-signed certificates. */
    private static final X509TrustManager TRUST_ALL = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    private static TrustManager[] trustStore(S3ClientConfig config) {
        String key = config.prefix() + S3ClientConfig.TRUSTSTORE_LOCATION;
        Path path = Path.of(config.truststoreLocation());
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(config.truststoreType());
            store.load(in, config.truststorePassword().value().toCharArray());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, config.truststoreLocation(), "cannot load trust store: " + e.getMessage());
        }
    }

    private static AwsCredentialsProvider credentials(S3ClientConfig config, SdkHttpClient http,
                                                      List<AutoCloseable> closeables) {
        AwsCredentialsProvider base;
        if (config.hasStaticKeys()) {
            String token = config.sessionToken().value();
            base = StaticCredentialsProvider.create(token.isEmpty()
                    ? AwsBasicCredentials.create(config.accessKeyId().value(), config.secretAccessKey().value())
                    : AwsSessionCredentials.create(config.accessKeyId().value(), config.secretAccessKey().value(),
                            token));
        } else {
            DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
            closeables.add(chain);
            base = chain;
        }
        if (!config.assumesRole()) {
            return base;
        }
        StsClientBuilder stsBuilder = StsClient.builder()
                .httpClient(http)
                .region(Region.of(config.region()))
                .credentialsProvider(base);
        if (config.stsEndpoint() != null) {
            stsBuilder.endpointOverride(config.stsEndpoint());
        }
        StsClient sts = stsBuilder.build();
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(config.roleArn())
                .roleSessionName(config.roleSessionName())
                .durationSeconds(config.roleDurationSeconds());
        if (!config.roleExternalId().isEmpty()) {
            request.externalId(config.roleExternalId());
        }
        Duration refreshBefore = Duration.ofSeconds(config.roleRefreshBeforeSeconds());
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(request.build())
                // renew ahead of expiry in the background, so copies never wait on STS or use stale keys
                .prefetchTime(refreshBefore)
                .staleTime(refreshBefore.dividedBy(2).isZero() ? Duration.ofSeconds(1) : refreshBefore.dividedBy(2))
                .asyncCredentialUpdateEnabled(true)
                .build();
        closeables.add(0, provider);
        closeables.add(1, sts);
        return provider;
    }
}
