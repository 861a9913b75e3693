package io.backbeat.connect.sandbox.sourcesite;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backbeat.connect.model.MetadataJson;
import io.backbeat.connect.model.VersionIds;
import java.io.IOException;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * CloudServer's backbeat metadata routes, the ones Backbeat's replication status writer uses:
 * {@code GET /_/backbeat/metadata/<bucket>/<key>?versionId=} answers {@code {"Body": "<metadata JSON>"}};
 * {@code PUT} with the metadata JSON as body rewrites that version (and the master when it holds it, or when
 * the version is new and the newest).
 */
final class BackbeatApi {

    static final String PREFIX = "/_/backbeat/metadata/";
    private static final int MAX_BODY = 16 * 1024 * 1024;
    private final SiteContext site;

    BackbeatApi(SiteContext site) {
        this.site = site;
    }

    S3Response handle(S3Request req, String bucket, String key) throws IOException {
        switch (req.method()) {
            case "GET":
                return get(req, bucket, key);
            case "PUT":
                return put(req, bucket, key);
            default:
                throw new S3Exception(405, "MethodNotAllowed", req.method() + " is not allowed on " + PREFIX);
        }
    }

    private S3Response get(S3Request req, String bucket, String key) {
        SiteContext.Bucket b = site.bucket(bucket, req.account());
        String versionParam = req.query("versionId");
        BsonDocument value;
        if (versionParam == null || versionParam.isEmpty()) {
            value = site.metadata.master(b.name(), key);
            if (value == null || MetadataStore.isTrue(value, "isPHD")) {
                value = site.metadata.latestVersion(b.name(), key);
            }
            if (value == null) {
                throw S3Exception.noSuchKey(bucket, key);
            }
        } else {
            value = site.metadata.version(b.name(), key, SiteContext.internalVersionId(versionParam));
            if (value == null) {
                throw S3Exception.noSuchKey(bucket, key + "?versionId=" + versionParam);
            }
        }
        ObjectNode answer = MetadataJson.newObject();
        answer.put("Body", BsonJson.toJsonText(value));
        return S3Response.json(MetadataJson.write(answer));
    }

    private S3Response put(S3Request req, String bucket, String key) throws IOException {
        byte[] body = req.smallBody(MAX_BODY);
        BsonDocument value;
        try {
            value = BsonJson.parseObject(new String(body, java.nio.charset.StandardCharsets.UTF_8),
                    "backbeat metadata body");
        } catch (RuntimeException e) {
            throw S3Exception.invalidArgument("the body must be the object metadata as a JSON object: "
                    + e.getMessage());
        }
        String bodyKey = MetadataStore.stringField(value, "key");
        if (bodyKey != null && !bodyKey.equals(key)) {
            throw S3Exception.invalidArgument("the metadata is for key '" + bodyKey + "', the route names '" + key
                    + "'");
        }
        String versionParam = req.query("versionId");
        String bodyVersion = MetadataStore.stringField(value, "versionId");
        String internal = versionParam == null || versionParam.isEmpty() ? bodyVersion
                : SiteContext.internalVersionId(versionParam);
        if (internal != null && bodyVersion != null && !bodyVersion.equals(internal)) {
            throw S3Exception.invalidArgument("the metadata holds versionId '" + bodyVersion
                    + "' but the route asks for " + versionParam);
        }
        SiteContext.Bucket b0 = site.bucket(bucket, req.account());
        String written = site.metadata.locked(b0.name(), key, () -> {
            SiteContext.Bucket b = site.bucket(b0.name(), req.account());
            if (internal == null) {
                site.metadata.putMaster(b.name(), key, value);
                return null;
            }
            value.put("versionId", new BsonString(internal));
            BsonDocument existing = site.metadata.version(b.name(), key, internal);
            if (existing != null) {
                site.metadata.updateVersion(b.name(), key, internal, value);
            } else if (MetadataStore.isTrue(value, "isDeleteMarker")) {
                site.metadata.putDeleteMarker(b.name(), key, internal, value);
            } else {
                site.metadata.putVersion(b.name(), key, internal, value);
            }
            return internal;
        });
        ObjectNode answer = MetadataJson.newObject();
        if (written != null) {
            answer.put("versionId", written);
        }
        return S3Response.json(MetadataJson.write(answer)).header("x-amz-version-id",
                written == null ? null : VersionIds.encode(written));
    }
}
