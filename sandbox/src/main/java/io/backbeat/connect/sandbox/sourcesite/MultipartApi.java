package io.backbeat.connect.sandbox.sourcesite;

import io.backbeat.connect.model.VersionIds;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.w3c.dom.Element;

/**
 * Multipart uploads through CloudServer's shadow bucket {@code mpuShadowBucket<bucket>} (v0 keys): an overview
 * entry {@code overview..|..<key>..|..<uploadId>} and one entry per part {@code <uploadId>..|..<00001>}.
 */
final class MultipartApi {

    private static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    private final SiteContext site;
    private final ObjectApi objects;

    MultipartApi(SiteContext site, ObjectApi objects) {
        this.site = site;
        this.objects = objects;
    }

    static String shadowBucket(String bucket) {
        return MetadataStore.MPU_SHADOW_PREFIX + bucket;
    }

    static String overviewKey(String key, String uploadId) {
        return "overview" + MetadataStore.SPLITTER + key + MetadataStore.SPLITTER + uploadId;
    }

    static String partKey(String uploadId, int partNumber) {
        return uploadId + MetadataStore.SPLITTER + String.format("%05d", partNumber);
    }

    S3Response create(S3Request req) {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        String key = ObjectApi.validKey(req.key());
        Map<String, String> userMeta = ObjectApi.userMetadata(req);
        Map<String, String> contentHeaders = ObjectApi.contentHeaders(req);
        BsonDocument tags = ObjectApi.tagsFromHeader(req.header("x-amz-tagging"));
        Account owner = req.account();
        String uploadId = UUID.randomUUID().toString().replace("-", "");
        String shadow = shadowBucket(b.name());
        site.metadata.locked(shadow, () -> {
            if (site.metadata.metastoreDocument(shadow) == null) {
                site.metadata.createShadowBucket(shadow, BucketValues.newBucket(shadow, owner.canonicalId(),
                        owner.displayName(), site.now(), null, UUID.randomUUID().toString(), false));
            }
            BsonDocument initiator = new BsonDocument("DisplayName", new BsonString(owner.displayName()))
                    .append("ID", new BsonString(owner.canonicalId()));
            BsonDocument v = new BsonDocument();
            v.put("id", new BsonString(uploadId));
            v.put("eventualStorageBucket", new BsonString(b.name()));
            v.put("initiated", new BsonString(site.now()));
            v.put("owner-display-name", new BsonString(owner.displayName()));
            v.put("owner-id", new BsonString(owner.canonicalId()));
            v.put("initiator", initiator);
            v.put("key", new BsonString(key));
            v.put("uploadId", new BsonString(uploadId));
            v.put("x-amz-storage-class", new BsonString("STANDARD"));
            v.put("controllingLocationConstraint", new BsonString(site.locationConstraint));
            v.put("dataStoreName", new BsonString(site.locationConstraint));
            v.put("acl", ObjectValues.objectAcl());
            contentHeaders.forEach((h, value) -> v.put(h, new BsonString(value)));
            userMeta.forEach((h, value) -> v.put(h, new BsonString(value)));
            if (!tags.isEmpty()) {
                v.put("tags", tags);
            }
            site.metadata.upsert(shadow, overviewKey(key, uploadId), v);
            return null;
        });
        Xml x = Xml.root("InitiateMultipartUploadResult").element("Bucket", b.name()).element("Key", key)
                .element("UploadId", uploadId);
        return S3Response.xml(x.done("InitiateMultipartUploadResult"));
    }

    private BsonDocument overview(String bucket, String key, String uploadId) {
        BsonDocument ov = site.metadata.liveValue(shadowBucket(bucket), overviewKey(key, uploadId));
        if (ov == null) {
            throw S3Exception.noSuchUpload(uploadId);
        }
        return ov;
    }

    S3Response uploadPart(S3Request req) throws IOException {
        if (req.header("x-amz-copy-source") != null) {
            throw S3Exception.notImplemented("UploadPartCopy");
        }
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        String uploadId = req.query("uploadId");
        int partNumber = req.intQuery("partNumber", 0, 1, 10000);
        String shadow = shadowBucket(b.name());
        overview(b.name(), req.key(), uploadId);
        DataStore.Stored stored;
        try (InputStream body = req.body()) {
            stored = site.data.write(body);
        }
        String partKey = partKey(uploadId, partNumber);
        site.metadata.locked(shadow, () -> {
            overview(b.name(), req.key(), uploadId);
            BsonDocument previous = site.metadata.liveValue(shadow, partKey);
            BsonDocument v = new BsonDocument();
            v.put("md-model-version", new BsonInt32(ObjectValues.MPU_PART_MODEL_VERSION));
            BsonArray partLocations = new BsonArray();
            partLocations.add(new BsonDocument("key", BsonJson.number(stored.key()))
                    .append("dataStoreName", new BsonString(SiteContext.DATA_BACKEND)));
            v.put("partLocations", partLocations);
            v.put("key", new BsonString(partKey));
            v.put("last-modified", new BsonString(site.now()));
            v.put("content-md5", new BsonString(stored.md5Hex()));
            v.put("content-length", BsonJson.number(stored.size()));
            v.put("owner-id", new BsonString(req.account().canonicalId()));
            site.metadata.upsert(shadow, partKey, v);
            if (previous != null) {
                deletePartData(previous);
            }
            return null;
        });
        return S3Response.ok().header("ETag", ObjectApi.quote(stored.md5Hex()));
    }

    S3Response complete(S3Request req) throws IOException {
        SiteContext.Bucket b0 = site.bucket(req.bucket(), req.account());
        String key = req.key();
        String uploadId = req.query("uploadId");
        Element root = Xml.parse(req.smallBody(4 * 1024 * 1024), "CompleteMultipartUpload");
        List<Element> requested = Xml.children(root, "Part");
        if (requested.isEmpty()) {
            throw S3Exception.malformedXml("<CompleteMultipartUpload> needs at least one <Part>");
        }
        String shadow = shadowBucket(b0.name());
        String[] result = site.metadata.locked(b0.name(), key, () -> site.metadata.locked(shadow, () -> {
            SiteContext.Bucket b = site.bucket(b0.name(), req.account());
            BsonDocument ov = overview(b.name(), key, uploadId);
            Map<Integer, BsonDocument> stored = parts(shadow, uploadId);
            BsonArray location = new BsonArray();
            java.security.MessageDigest md5s = DataStore.md5();
            long offset = 0;
            int last = 0;
            for (int i = 0; i < requested.size(); i++) {
                Element p = requested.get(i);
                int n;
                try {
                    n = Integer.parseInt(Xml.requiredText(p, "PartNumber").trim());
                } catch (NumberFormatException e) {
                    throw S3Exception.malformedXml("<PartNumber> must be an integer");
                }
                if (n <= last) {
                    throw new S3Exception(400, "InvalidPartOrder", "The list of parts was not in ascending order: "
                            + n + " after " + last);
                }
                last = n;
                BsonDocument part = stored.get(n);
                String etag = Xml.requiredText(p, "ETag").replace("\"", "").trim();
                if (part == null || !etag.equals(part.getString("content-md5").getValue())) {
                    throw new S3Exception(400, "InvalidPart", "One or more of the specified parts could not be "
                            + "found or its entity tag did not match: part " + n);
                }
                long size = BsonJson.longValue(part.get("content-length"), 0);
                if (i < requested.size() - 1 && size < MIN_PART_SIZE) {
                    throw new S3Exception(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum "
                            + "allowed object size: part " + n + " has " + size + " bytes (min 5 MiB except the last)");
                }
                String partMd5 = part.getString("content-md5").getValue();
                md5s.update(HexFormat.of().parseHex(partMd5));
                long dataKey = BsonJson.longValue(part.getArray("partLocations").get(0).asDocument().get("key"), -1);
                location.add(ObjectValues.putLocation(dataKey, size, offset, SiteContext.DATA_BACKEND, n, partMd5));
                offset += size;
            }
            String etag = HexFormat.of().formatHex(md5s.digest()) + "-" + requested.size();
            BsonDocument inProgress = ov.clone();
            inProgress.put("completeInProgress", org.bson.BsonBoolean.TRUE);
            site.metadata.upsert(shadow, overviewKey(key, uploadId), inProgress);

            BsonDocument current = objects.current(b.name(), key);
            Map<String, String> userMeta = new java.util.LinkedHashMap<>();
            Map<String, String> contentHeaders = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, BsonValue> e : ov.entrySet()) {
                if (e.getKey().startsWith("x-amz-meta-")) {
                    userMeta.put(e.getKey(), e.getValue().asString().getValue());
                } else if (List.of("cache-control", "content-disposition", "content-encoding", "expires",
                        "content-type", "content-language", "x-amz-website-redirect-location")
                        .contains(e.getKey())) {
                    contentHeaders.put(e.getKey(), e.getValue().asString().getValue());
                }
            }
            BsonDocument tags = ov.containsKey("tags") ? ov.getDocument("tags") : new BsonDocument();
            String now = site.now();
            ObjectValues.NewObject o = objects.newObject(req.account(), key, offset, etag, contentHeaders, userMeta,
                    tags, now);
            o.creationTime = ObjectApi.creationTimeFrom(current, now);
            o.location = location;
            o.uploadId = uploadId;
            o.originOp = "s3:ObjectCreated:CompleteMultipartUpload";
            o.replicationInfo = objects.replicationFor(b, key, userMeta, false, offset, null, null);
            String versionId = objects.store(b, key, o, current);

            List<Integer> used = new ArrayList<>();
            requested.forEach(p -> used.add(Integer.parseInt(Xml.requiredText(p, "PartNumber").trim())));
            cleanUp(shadow, key, uploadId, stored, used);
            return new String[] {versionId, etag};
        }));
        Xml x = Xml.root("CompleteMultipartUploadResult").element("Location", "/" + b0.name() + "/" + key)
                .element("Bucket", b0.name()).element("Key", key).element("ETag", ObjectApi.quote(result[1]));
        return S3Response.xml(x.done("CompleteMultipartUploadResult")).header("x-amz-version-id",
                result[0] == null ? null : VersionIds.encode(result[0]));
    }

    S3Response abort(S3Request req) {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        String uploadId = req.query("uploadId");
        String shadow = shadowBucket(b.name());
        site.metadata.locked(shadow, () -> {
            overview(b.name(), req.key(), uploadId);
            cleanUp(shadow, req.key(), uploadId, parts(shadow, uploadId), List.of());
            return null;
        });
        return S3Response.noContent();
    }

    /** The upload's part entries by part number. */
    private Map<Integer, BsonDocument> parts(String shadow, String uploadId) {
        Map<Integer, BsonDocument> out = new java.util.TreeMap<>();
        String from = uploadId + MetadataStore.SPLITTER;
        for (BsonDocument d : site.metadata.scan(shadow, from, from + '\uffff')) {
            BsonDocument v = d.getDocument("value");
            if (MetadataStore.isTrue(v, "deleted")) {
                continue;
            }
            String id = d.getString("_id").getValue();
            out.put(Integer.parseInt(id.substring(from.length())), v);
        }
        return out;
    }

    /** Removes the upload's entries (three-write deletes: parts, then the overview); frees unused parts' data. */
    private void cleanUp(String shadow, String key, String uploadId, Map<Integer, BsonDocument> parts,
            List<Integer> used) {
        for (Map.Entry<Integer, BsonDocument> p : parts.entrySet()) {
            site.metadata.threeWriteDelete(shadow, partKey(uploadId, p.getKey()), new BsonDocument(),
                    MetadataStore.ORIGIN_DELETE);
            if (!used.contains(p.getKey())) {
                deletePartData(p.getValue());
            }
        }
        site.metadata.threeWriteDelete(shadow, overviewKey(key, uploadId), new BsonDocument(),
                MetadataStore.ORIGIN_DELETE);
    }

    private void deletePartData(BsonDocument part) {
        BsonValue locs = part.get("partLocations");
        if (locs != null && locs.isArray()) {
            for (BsonValue l : locs.asArray()) {
                site.data.delete(BsonJson.longValue(l.asDocument().get("key"), -1));
            }
        }
    }
}
