package io.backbeat.connect.sink.s3;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One configured S3 endpoint: the S3 client, the HTTP client and credentials under it (shared with the
 * CloudServer backbeat-route client), and what has to be closed with it.
 */
public final class S3Connection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3Connection.class);

    private final S3ClientConfig config;
    private final S3Client s3;
    private final SdkHttpClient httpClient;
    private final AwsCredentialsProvider credentials;
    private final List<AutoCloseable> closeables;

    S3Connection(S3ClientConfig config, S3Client s3, SdkHttpClient httpClient, AwsCredentialsProvider credentials,
                 List<AutoCloseable> closeables) {
        this.config = config;
        this.s3 = s3;
        this.httpClient = httpClient;
        this.credentials = credentials;
        this.closeables = new ArrayList<>(closeables);
    }

    public S3ClientConfig config() {
        return config;
    }

    public S3Client s3() {
        return s3;
    }

    public SdkHttpClient httpClient() {
        return httpClient;
    }

    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    @Override
    public void close() {
        // the S3 client first, the HTTP client and credential refresh under it last
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} of {} failed: {}", c.getClass().getSimpleName(), config, e.toString());
            }
        }
    }
}
