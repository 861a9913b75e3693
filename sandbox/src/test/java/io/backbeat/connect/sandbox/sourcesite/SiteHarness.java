package io.backbeat.connect.sandbox.sourcesite;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** A source site over an in-memory MongoDB (mongo-java-server), with its write commands recorded. */
final class SiteHarness implements AutoCloseable {

    static final Set<String> WRITE_COMMANDS = Set.of("update", "delete", "findAndModify", "create", "insert");

    final MongoServer mongo;
    final String mongoUri;
    final List<BsonDocument> writes = Collections.synchronizedList(new ArrayList<>());
    final SourceSite site;

    SiteHarness(java.util.function.UnaryOperator<SourceSite.Builder> customize) {
        mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress address = mongo.bind();
        mongoUri = "mongodb://127.0.0.1:" + address.getPort();
        CommandListener recorder = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (WRITE_COMMANDS.contains(event.getCommandName())) {
                    writes.add(event.getCommand().clone());
                }
            }
        };
        site = customize.apply(SourceSite.builder().mongoUri(mongoUri).site("zenko").commandListener(recorder))
                .build().start();
    }

    S3Client s3() {
        return s3(Account.CLOUDSERVER_DEFAULT.accessKey(), Account.CLOUDSERVER_DEFAULT.secretKey(),
                RequestChecksumCalculation.WHEN_REQUIRED);
    }

    S3Client s3(java.util.function.UnaryOperator<software.amazon.awssdk.services.s3.S3ClientBuilder> customize) {
        return customize.apply(builder(Account.CLOUDSERVER_DEFAULT.accessKey(), Account.CLOUDSERVER_DEFAULT.secretKey(),
                RequestChecksumCalculation.WHEN_REQUIRED)).build();
    }

    S3Client s3(String accessKey, String secretKey, RequestChecksumCalculation checksums) {
        return builder(accessKey, secretKey, checksums).build();
    }

    software.amazon.awssdk.services.s3.S3ClientBuilder builder(String accessKey, String secretKey,
            RequestChecksumCalculation checksums) {
        return S3Client.builder().endpointOverride(site.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey,
                        secretKey)))
                .requestChecksumCalculation(checksums)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }

    /** A SigV4-signed raw request (backbeat routes, odd requests the SDK will not send). */
    HttpResponse<String> signed(String method, String pathAndQuery, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        return signed(method, pathAndQuery, body, headers, null);
    }

    /** As {@link #signed(String, String, String, Map)}, but sends {@code sentBody} instead of the signed body. */
    HttpResponse<String> signed(String method, String pathAndQuery, String body, Map<String, String> headers,
            String sentBody) throws IOException, InterruptedException {
        URI uri = URI.create(site.endpoint() + pathAndQuery);
        byte[] signedPayload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        byte[] payload = sentBody == null ? signedPayload : sentBody.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest.Builder rb = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri)
                .putHeader("x-amz-content-sha256", SigV4.sha256Hex(signedPayload));
        headers.forEach(rb::putHeader);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(Account.CLOUDSERVER_DEFAULT.accessKey(),
                        Account.CLOUDSERVER_DEFAULT.secretKey()))
                .request(rb.build())
                .payload(ContentStreamProvider.fromByteArray(signedPayload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        HttpRequest.Builder hb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, payload.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(payload));
        signed.request().forEachHeader((name, values) -> {
            if (!Set.of("host", "content-length").contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> hb.header(name, v));
            }
        });
        return HttpClient.newHttpClient().send(hb.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A V1 replication rule (Prefix, not Filter): the form CloudServer takes. */
    @SuppressWarnings("deprecation")
    static software.amazon.awssdk.services.s3.model.ReplicationRule v1Rule(String id, boolean enabled,
            String destinationArn, String storageClass) {
        return software.amazon.awssdk.services.s3.model.ReplicationRule.builder().id(id).prefix("")
                .status(enabled ? "Enabled" : "Disabled")
                .destination(d -> d.bucket(destinationArn).storageClass(storageClass)).build();
    }

    @Override
    public void close() {
        site.close();
        mongo.shutdownNow();
    }
}
