package io.backbeat.connect.sandbox.sourcesite;

import io.backbeat.connect.model.DataLocation;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.TagEscaping;
import io.backbeat.connect.model.VersionIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.w3c.dom.Element;

/** Object operations: put, get, head, delete, copy, tagging. */
final class ObjectApi {

    static final String REPLICATION_STATUS_META = "x-amz-meta-scal-replication-status";
    private static final int MAX_KEY_BYTES = 1024;
    private static final int MAX_USER_METADATA_BYTES = 2048;
    private final SiteContext site;

    ObjectApi(SiteContext site) {
        this.site = site;
    }

    // ------------------------------------------------------------------ put

    S3Response put(S3Request req) throws IOException {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        String key = validKey(req.key());
        Map<String, String> userMeta = userMetadata(req);
        Map<String, String> contentHeaders = contentHeaders(req);
        BsonDocument tags = tagsFromHeader(req.header("x-amz-tagging"));
        DataStore.Stored stored;
        try (InputStream body = req.body()) {
            stored = site.data.write(body);
        }
        String now = site.now();
        String versionId = site.metadata.locked(b.name(), key, () -> {
            SiteContext.Bucket fresh = site.bucket(b.name(), req.account());
            BsonDocument current = current(fresh.name(), key);
            ObjectValues.NewObject o = newObject(req.account(), key, stored.size(), stored.md5Hex(), contentHeaders,
                    userMeta, tags, now);
            o.creationTime = creationTimeFrom(current, null);
            o.location = new BsonArray(List.of(ObjectValues.putLocation(stored.key(), stored.size(), 0,
                    SiteContext.DATA_BACKEND, 1, stored.md5Hex())));
            o.originOp = "s3:ObjectCreated:Put";
            o.replicationInfo = replicationFor(fresh, key, userMeta, false, stored.size(), null, null);
            return store(fresh, key, o, current);
        });
        return S3Response.ok().header("ETag", quote(stored.md5Hex()))
                .header("x-amz-version-id", versionId == null ? null : VersionIds.encode(versionId));
    }

    /** Writes a new object version (or the master of a non-versioned bucket); returns its version id. */
    String store(SiteContext.Bucket b, String key, ObjectValues.NewObject o, BsonDocument replaced) {
        if (b.versioned()) {
            o.versionId = site.metadata.nextVersionId();
            site.metadata.putVersion(b.name(), key, o.versionId, o.build());
            return o.versionId;
        }
        site.metadata.putMaster(b.name(), key, o.build());
        if (replaced != null && MetadataStore.stringField(replaced, "versionId") == null) {
            deleteData(replaced);
        }
        return null;
    }

    ObjectValues.NewObject newObject(Account owner, String key, long size, String md5,
            Map<String, String> contentHeaders, Map<String, String> userMeta, BsonDocument tags, String now) {
        ObjectValues.NewObject o = new ObjectValues.NewObject();
        o.owner = owner;
        o.key = key;
        o.contentLength = size;
        o.contentMd5 = md5;
        o.contentType = contentHeaders.get("content-type");
        o.contentLanguage = contentHeaders.get("content-language");
        o.websiteRedirectLocation = contentHeaders.get("x-amz-website-redirect-location");
        o.contentHeaders = contentHeaders;
        o.userMetadata = userMeta;
        o.tags = tags;
        o.dataStoreName = site.locationConstraint;
        o.lastModified = now;
        return o;
    }

    /** REPLICA for replica writes; else the bucket rules' info, or empty when no rule applies. */
    BsonDocument replicationFor(SiteContext.Bucket b, String key, Map<String, String> userMeta, boolean metadataOnly,
            long size, String operationType, ReplicationInfo existing) {
        if ("REPLICA".equals(userMeta.get(REPLICATION_STATUS_META))) {
            return ReplicationPolicy.replica();
        }
        return site.replication.forWrite(b.info(), key, metadataOnly, size, operationType, existing)
                .map(info -> ReplicationPolicy.toBson(info, existing))
                .orElseGet(() -> ObjectValues.replicationInfo(ReplicationInfo.empty()));
    }

    /** The object's current state: the master, or the latest version when the master is absent or a placeholder. */
    BsonDocument current(String bucket, String key) {
        BsonDocument m = site.metadata.master(bucket, key);
        if (m == null || MetadataStore.isTrue(m, "isPHD")) {
            return site.metadata.latestVersion(bucket, key);
        }
        return m;
    }

    /** CloudServer keeps the creation time of the object a write replaces. */
    static String creationTimeFrom(BsonDocument current, String fallback) {
        if (current == null) {
            return fallback;
        }
        String ct = MetadataStore.stringField(current, "creation-time");
        return ct != null ? ct : MetadataStore.stringField(current, "last-modified");
    }

    // ------------------------------------------------------------------ get / head

    /** A resolved object version: its metadata, or an S3 error carrying delete-marker headers. */
    ObjectMetadata resolve(SiteContext.Bucket b, String key, String versionParam, boolean forRead) {
        BsonDocument value;
        if (versionParam == null) {
            value = current(b.name(), key);
            if (value == null) {
                throw S3Exception.noSuchKey(b.name(), key);
            }
            if (MetadataStore.isTrue(value, "isDeleteMarker")) {
                throw new DeleteMarkerException(404, "NoSuchKey", "The specified key does not exist: "
                        + b.name() + "/" + key + " (its latest version is a delete marker)",
                        MetadataStore.stringField(value, "versionId"));
            }
        } else if (VersionIds.NULL.equals(versionParam)) {
            value = site.metadata.master(b.name(), key);
            if (value == null || (MetadataStore.stringField(value, "versionId") != null
                    && !MetadataStore.isTrue(value, "isNull"))) {
                throw S3Exception.noSuchVersion(key, versionParam);
            }
        } else {
            value = site.metadata.version(b.name(), key, SiteContext.internalVersionId(versionParam));
            if (value == null) {
                throw S3Exception.noSuchVersion(key, versionParam);
            }
            if (forRead && MetadataStore.isTrue(value, "isDeleteMarker")) {
                throw new DeleteMarkerException(405, "MethodNotAllowed",
                        "The specified method is not allowed against a delete marker", versionParam == null ? null
                                : SiteContext.internalVersionId(versionParam));
            }
        }
        return ObjectMetadata.fromJson(BsonJson.toJson(value));
    }

    /** An S3 error about a delete marker: answered with x-amz-delete-marker and the marker's version id. */
    static final class DeleteMarkerException extends S3Exception {
        private static final long serialVersionUID = 1L;
        final String versionId;

        DeleteMarkerException(int status, String code, String message, String versionId) {
            super(status, code, message);
            this.versionId = versionId;
        }
    }

    S3Response get(S3Request req, boolean head) throws IOException {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        ObjectMetadata md = resolve(b, req.key(), req.query("versionId"), true);
        long length = md.contentLength();
        long start = 0;
        long end = length - 1;
        boolean partial = false;
        Integer partsCount = null;
        String range = req.header("range");
        String partNumberText = req.query("partNumber");
        List<DataLocation> locations = md.location();
        if (partNumberText != null) {
            if (range != null) {
                throw S3Exception.invalidRequest("Cannot specify both Range header and partNumber query parameter");
            }
            int partNumber = req.intQuery("partNumber", 1, 1, 10000);
            int count = md.multipartPartCount();
            if (count > 0) {
                partsCount = count;
                long[] bounds = partBounds(locations, partNumber);
                if (bounds == null) {
                    throw new S3Exception(416, "InvalidPartNumber", "The requested partnumber is not satisfiable: "
                            + partNumber + " (the object has " + count + " parts)");
                }
                start = bounds[0];
                end = bounds[1];
                partial = true;
            } else if (partNumber != 1) {
                throw new S3Exception(416, "InvalidPartNumber", "The requested partnumber is not satisfiable: "
                        + partNumber + " (the object was not uploaded in parts)");
            }
        } else if (range != null) {
            long[] r = parseRange(range, length);
            if (r != null) {
                start = r[0];
                end = r[1];
                partial = true;
            }
        }
        long count = Math.max(0, end - start + 1);
        S3Response resp;
        if (head) {
            resp = S3Response.status(partial ? 206 : 200);
        } else {
            resp = S3Response.stream(partial ? 206 : 200, open(locations, start, count), count);
        }
        resp.header("Content-Length", Long.toString(count));
        if (partial) {
            resp.header("Content-Range", "bytes " + start + "-" + end + "/" + length);
        }
        if (partsCount != null) {
            resp.header("x-amz-mp-parts-count", partsCount.toString());
        }
        objectHeaders(resp, md);
        return resp;
    }

    private static void objectHeaders(S3Response resp, ObjectMetadata md) {
        resp.header("Accept-Ranges", "bytes");
        resp.header("ETag", quote(md.contentMd5()));
        if (md.lastModified() != null) {
            resp.header("Last-Modified", SiteContext.httpDate(md.lastModified()));
        }
        String type = md.contentType();
        resp.header("Content-Type", type == null || type.isEmpty() ? "application/octet-stream" : type);
        putIfNotEmpty(resp, "Cache-Control", md.cacheControl());
        putIfNotEmpty(resp, "Content-Disposition", md.contentDisposition());
        putIfNotEmpty(resp, "Content-Encoding", md.contentEncoding());
        putIfNotEmpty(resp, "Content-Language", md.contentLanguage());
        putIfNotEmpty(resp, "Expires", md.expires());
        putIfNotEmpty(resp, "x-amz-website-redirect-location", md.websiteRedirectLocation());
        if (md.versionId() != null) {
            resp.header("x-amz-version-id", VersionIds.encode(md.versionId()));
        }
        ReplicationStatus status = md.replicationInfo().status();
        if (status != null) {
            resp.header("x-amz-replication-status", status.name());
        }
        if (!md.tags().isEmpty()) {
            resp.header("x-amz-tagging-count", Integer.toString(md.tags().size()));
        }
        md.userMetadata().forEach(resp::header);
    }

    private static void putIfNotEmpty(S3Response resp, String name, String value) {
        if (value != null && !value.isEmpty()) {
            resp.header(name, value);
        }
    }

    /** Byte bounds of part {@code n} of a multipart object (its location entries of that part number). */
    private static long[] partBounds(List<DataLocation> locations, int n) {
        long start = -1;
        long end = -1;
        for (DataLocation l : locations) {
            if (l.partNumber() == n) {
                if (start < 0) {
                    start = l.start();
                }
                end = l.start() + l.size() - 1;
            }
        }
        return start < 0 ? null : new long[] {start, end};
    }

    /** bytes=a-b, bytes=a-, bytes=-n; null for what S3 ignores (multiple ranges); 416 when unsatisfiable. */
    static long[] parseRange(String header, long length) {
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.contains(",")) {
            return null;
        }
        String spec = h.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String z = spec.substring(dash + 1).trim();
            long start;
            long end;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(z);
                if (suffix <= 0) {
                    throw unsatisfiable(header, length);
                }
                start = Math.max(0, length - suffix);
                end = length - 1;
            } else {
                start = Long.parseLong(a);
                end = z.isEmpty() ? length - 1 : Math.min(Long.parseLong(z), length - 1);
                if (!z.isEmpty() && Long.parseLong(z) < start) {
                    return null;
                }
            }
            if (start >= length || length == 0) {
                throw unsatisfiable(header, length);
            }
            return new long[] {start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static S3Exception unsatisfiable(String header, long length) {
        return new S3Exception(416, "InvalidRange", "The requested range is not satisfiable: " + header
                + " (object size " + length + ")");
    }

    /** The bytes [start, start+count) of an object laid over its location pieces. */
    InputStream open(List<DataLocation> locations, long start, long count) throws IOException {
        List<InputStream> parts = new ArrayList<>();
        long end = start + count;
        for (DataLocation l : locations) {
            long from = Math.max(start, l.start());
            long to = Math.min(end, l.start() + l.size());
            if (from < to) {
                parts.add(site.data.open(dataKey(l), from - l.start(), to - from));
            }
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    private static long dataKey(DataLocation l) {
        try {
            return Long.parseLong(l.key());
        } catch (NumberFormatException e) {
            throw S3Exception.internal("location key " + l.key() + " is not a data piece of this site", e);
        }
    }

    // ------------------------------------------------------------------ delete

    S3Response delete(S3Request req) {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        String key = req.key();
        String versionParam = req.query("versionId");
        return site.metadata.locked(b.name(), key, () -> deleteLocked(b, key, versionParam, req.account()));
    }

    /** S3 DeleteObject semantics over CloudServer's writes; callers hold the bucket lock. */
    S3Response deleteLocked(SiteContext.Bucket stale, String key, String versionParam, Account caller) {
        SiteContext.Bucket b = site.bucket(stale.name(), caller);
        if (versionParam == null) {
            if (b.versioned()) {
                BsonDocument current = current(b.name(), key);
                ObjectValues.NewObject o = newObject(caller, key, 0, ObjectValues.EMPTY_MD5, Map.of(), Map.of(),
                        new BsonDocument(), site.now());
                o.creationTime = creationTimeFrom(current, null);
                o.isDeleteMarker = Boolean.TRUE;
                o.originOp = "s3:ObjectRemoved:DeleteMarkerCreated";
                o.replicationInfo = replicationFor(b, key, Map.of(), true, 0, null, null);
                o.versionId = site.metadata.nextVersionId();
                site.metadata.putDeleteMarker(b.name(), key, o.versionId, o.build());
                return S3Response.noContent().header("x-amz-delete-marker", "true")
                        .header("x-amz-version-id", VersionIds.encode(o.versionId));
            }
            BsonDocument m = site.metadata.master(b.name(), key);
            if (m != null) {
                site.metadata.deleteMaster(b.name(), key);
                deleteData(m);
            }
            return S3Response.noContent();
        }
        if (VersionIds.NULL.equals(versionParam)) {
            BsonDocument m = site.metadata.master(b.name(), key);
            if (m != null && MetadataStore.stringField(m, "versionId") == null) {
                site.metadata.deleteMaster(b.name(), key);
                deleteData(m);
            }
            return S3Response.noContent().header("x-amz-version-id", VersionIds.NULL);
        }
        String internal = SiteContext.internalVersionId(versionParam);
        BsonDocument v = site.metadata.version(b.name(), key, internal);
        if (v == null) {
            return S3Response.noContent().header("x-amz-version-id", versionParam);
        }
        site.metadata.deleteVersion(b.name(), key, internal);
        deleteData(v);
        S3Response r = S3Response.noContent().header("x-amz-version-id", versionParam);
        if (MetadataStore.isTrue(v, "isDeleteMarker")) {
            r.header("x-amz-delete-marker", "true");
        }
        return r;
    }

    /** Frees the data pieces of a removed version. */
    void deleteData(BsonDocument value) {
        BsonValue location = value.get("location");
        if (location != null && location.isArray()) {
            for (BsonValue l : location.asArray()) {
                BsonValue k = l.asDocument().get("key");
                if (k != null && k.isNumber()) {
                    site.data.delete(k.asNumber().longValue());
                }
            }
        }
    }

    /** POST ?delete: each key deleted as DeleteObject would, errors reported per key. */
    S3Response deleteMultiple(S3Request req) throws IOException {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        Element root = Xml.parse(req.smallBody(2 * 1024 * 1024), "Delete");
        boolean quiet = "true".equalsIgnoreCase(Xml.text(root, "Quiet"));
        List<Element> objects = Xml.children(root, "Object");
        if (objects.size() > 1000) {
            throw S3Exception.malformedXml("at most 1000 objects per DeleteObjects request");
        }
        Xml x = Xml.root("DeleteResult");
        for (Element o : objects) {
            String key = Xml.requiredText(o, "Key");
            String versionId = Xml.text(o, "VersionId");
            try {
                S3Response r = site.metadata.locked(b.name(), key, () -> deleteLocked(b, key, versionId,
                        req.account()));
                if (!quiet) {
                    x.open("Deleted").element("Key", key).element("VersionId", versionId);
                    if ("true".equals(r.headers.get("x-amz-delete-marker"))) {
                        x.element("DeleteMarker", "true")
                                .element("DeleteMarkerVersionId", r.headers.get("x-amz-version-id"));
                    }
                    x.close("Deleted");
                }
            } catch (S3Exception e) {
                x.open("Error").element("Key", key).element("VersionId", versionId).element("Code", e.code())
                        .element("Message", e.getMessage()).close("Error");
            }
        }
        return S3Response.xml(x.done("DeleteResult"));
    }

    // ------------------------------------------------------------------ copy

    S3Response copy(S3Request req) throws IOException {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        String key = validKey(req.key());
        String source = req.header("x-amz-copy-source");
        String sourceVersion = null;
        int q = source.indexOf('?');
        if (q >= 0) {
            Map<String, String> params = RequestAuthenticator.rawQueryParams(source.substring(q + 1));
            sourceVersion = params.get("versionId");
            source = source.substring(0, q);
        }
        source = SigV4.percentDecode(source.startsWith("/") ? source.substring(1) : source);
        int slash = source.indexOf('/');
        if (slash <= 0 || slash == source.length() - 1) {
            throw S3Exception.invalidArgument("x-amz-copy-source must be <bucket>/<key>[?versionId=...], got "
                    + req.header("x-amz-copy-source"));
        }
        SiteContext.Bucket sb = site.bucket(source.substring(0, slash), req.account());
        String sourceKey = source.substring(slash + 1);
        ObjectMetadata src;
        try {
            src = resolve(sb, sourceKey, sourceVersion, true);
        } catch (DeleteMarkerException e) {
            throw new S3Exception(e.httpStatus() == 405 ? 400 : 404, e.httpStatus() == 405 ? "InvalidRequest"
                    : "NoSuchKey", "the copy source is a delete marker: " + source);
        }
        boolean replaceMeta = "REPLACE".equalsIgnoreCase(req.header("x-amz-metadata-directive"));
        boolean replaceTags = "REPLACE".equalsIgnoreCase(req.header("x-amz-tagging-directive"));
        Map<String, String> userMeta = replaceMeta ? userMetadata(req) : new LinkedHashMap<>(src.userMetadata());
        if (!replaceMeta) {
            userMeta.remove(REPLICATION_STATUS_META);
        }
        Map<String, String> contentHeaders = replaceMeta ? contentHeaders(req) : sourceContentHeaders(src);
        BsonDocument tags = replaceTags ? tagsFromHeader(req.header("x-amz-tagging")) : escapedTags(src.tags());
        BsonArray location = new BsonArray();
        for (DataLocation l : src.location()) {
            DataStore.Stored copied = site.data.copy(dataKey(l));
            String etag = l.partETag() == null ? src.contentMd5() : l.partETag();
            location.add(ObjectValues.copyLocation(copied.key(), l.size(), l.start(), SiteContext.DATA_BACKEND,
                    Math.max(1, l.partNumber()), etag));
        }
        String now = site.now();
        String versionId = site.metadata.locked(b.name(), key, () -> {
            SiteContext.Bucket fresh = site.bucket(b.name(), req.account());
            BsonDocument current = current(fresh.name(), key);
            ObjectValues.NewObject o = newObject(req.account(), key, src.contentLength(), src.contentMd5(),
                    contentHeaders, userMeta, tags, now);
            o.creationTime = creationTimeFrom(current, now);
            o.location = location.isEmpty() ? BsonNull.VALUE : location;
            o.isDeleteMarker = null;
            o.originOp = "s3:ObjectCreated:Copy";
            o.replicationInfo = replicationFor(fresh, key, userMeta, false, src.contentLength(), null, null);
            return store(fresh, key, o, current);
        });
        Xml x = Xml.root("CopyObjectResult").element("LastModified", now).element("ETag", quote(src.contentMd5()));
        return S3Response.xml(x.done("CopyObjectResult"))
                .header("x-amz-version-id", versionId == null ? null : VersionIds.encode(versionId))
                .header("x-amz-copy-source-version-id", src.versionId() == null ? null
                        : VersionIds.encode(src.versionId()));
    }

    private static Map<String, String> sourceContentHeaders(ObjectMetadata src) {
        Map<String, String> h = new LinkedHashMap<>();
        putIfPresent(h, "cache-control", src.cacheControl());
        putIfPresent(h, "content-disposition", src.contentDisposition());
        putIfPresent(h, "content-encoding", src.contentEncoding());
        putIfPresent(h, "expires", src.expires());
        putIfPresent(h, "content-type", src.contentType());
        putIfPresent(h, "content-language", src.contentLanguage());
        putIfPresent(h, "x-amz-website-redirect-location", src.websiteRedirectLocation());
        return h;
    }

    private static void putIfPresent(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }

    // ------------------------------------------------------------------ tagging

    S3Response putTagging(S3Request req) throws IOException {
        Element root = Xml.parse(req.smallBody(1024 * 1024), "Tagging");
        Element tagSet = Xml.child(root, "TagSet");
        if (tagSet == null) {
            throw S3Exception.malformedXml("<Tagging> needs a <TagSet>");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Element t : Xml.children(tagSet, "Tag")) {
            String k = Xml.requiredText(t, "Key");
            String v = Xml.requiredText(t, "Value");
            if (tags.put(k, v) != null) {
                throw new S3Exception(400, "InvalidTag", "Cannot provide multiple Tags with the same key: " + k);
            }
        }
        validateTags(tags);
        return retag(req, escapedTags(tags), "s3:ObjectTagging:Put", "PUT_TAGGING", 200);
    }

    S3Response deleteTagging(S3Request req) {
        return retag(req, new BsonDocument(), "s3:ObjectTagging:Delete", "DELETE_TAGGING", 204);
    }

    private S3Response retag(S3Request req, BsonDocument tags, String originOp, String operationType, int status) {
        SiteContext.Bucket b0 = site.bucket(req.bucket(), req.account());
        return site.metadata.locked(b0.name(), req.key(), () -> {
            SiteContext.Bucket b = site.bucket(b0.name(), req.account());
            ObjectMetadata md = resolve(b, req.key(), req.query("versionId"), true);
            BsonDocument stored = md.versionId() == null ? site.metadata.master(b.name(), req.key())
                    : site.metadata.version(b.name(), req.key(), md.versionId());
            if (stored == null) {
                // non-versioned objects live in the master only; a latest version without master is a v1 quirk
                stored = BsonJson.toBson(md.toJsonNode()).asDocument();
            }
            BsonDocument value = stored.clone();
            value.put("tags", tags);
            ReplicationInfo existing = md.replicationInfo();
            if (existing.status() != ReplicationStatus.REPLICA) {
                Optional<ReplicationInfo> info = site.replication.forWrite(b.info(), req.key(), true,
                        md.contentLength(), operationType, existing);
                info.ifPresent(i -> value.put("replicationInfo", ReplicationPolicy.toBson(i, existing)));
            }
            value.put("originOp", new BsonString(originOp));
            if (md.versionId() != null) {
                site.metadata.updateVersion(b.name(), req.key(), md.versionId(), value);
            } else {
                site.metadata.putMaster(b.name(), req.key(), value);
            }
            return S3Response.status(status).header("x-amz-version-id",
                    md.versionId() == null ? null : VersionIds.encode(md.versionId()));
        });
    }

    S3Response getTagging(S3Request req) {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        ObjectMetadata md = resolve(b, req.key(), req.query("versionId"), true);
        Xml x = Xml.root("Tagging").open("TagSet");
        md.tags().forEach((k, v) -> x.open("Tag").element("Key", k).element("Value", v).close("Tag"));
        return S3Response.xml(x.close("TagSet").done("Tagging")).header("x-amz-version-id",
                md.versionId() == null ? null : VersionIds.encode(md.versionId()));
    }

    // ------------------------------------------------------------------ request parsing helpers

    static String validKey(String key) {
        if (key.isEmpty()) {
            throw S3Exception.invalidArgument("the object key must not be empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(400, "KeyTooLongError", "Your key is too long (max " + MAX_KEY_BYTES
                    + " bytes)");
        }
        return key;
    }

    /** The x-amz-meta-* headers, names lower-cased as CloudServer stores them. */
    static Map<String, String> userMetadata(S3Request req) {
        Map<String, String> meta = new LinkedHashMap<>();
        int bytes = 0;
        for (Map.Entry<String, List<String>> h : req.headers().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-amz-meta-")) {
                String value = String.join(",", h.getValue());
                meta.put(name, value);
                bytes += name.length() - "x-amz-meta-".length() + value.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (bytes > MAX_USER_METADATA_BYTES) {
            throw new S3Exception(400, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed "
                    + "metadata size (" + MAX_USER_METADATA_BYTES + " bytes)");
        }
        return meta;
    }

    /** Content headers kept with the object (aws-chunked is transfer framing, not content encoding). */
    static Map<String, String> contentHeaders(S3Request req) {
        Map<String, String> h = new LinkedHashMap<>();
        for (String name : List.of("cache-control", "content-disposition", "content-encoding", "expires",
                "content-type", "content-language", "x-amz-website-redirect-location")) {
            String v = req.header(name);
            if (v != null && name.equals("content-encoding")) {
                List<String> codings = new ArrayList<>();
                for (String c : v.split(",")) {
                    if (!c.trim().equalsIgnoreCase("aws-chunked") && !c.isBlank()) {
                        codings.add(c.trim());
                    }
                }
                v = codings.isEmpty() ? null : String.join(",", codings);
            }
            if (v != null) {
                h.put(name, v);
            }
        }
        return h;
    }

    /** The x-amz-tagging header (URL query form), stored escaped. */
    static BsonDocument tagsFromHeader(String header) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (header != null && !header.isEmpty()) {
            for (String pair : header.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = SigV4.percentDecode((eq < 0 ? pair : pair.substring(0, eq)).replace('+', ' '));
                String v = eq < 0 ? "" : SigV4.percentDecode(pair.substring(eq + 1).replace('+', ' '));
                if (tags.put(k, v) != null) {
                    throw new S3Exception(400, "InvalidTag", "Cannot provide multiple Tags with the same key: " + k);
                }
            }
        }
        validateTags(tags);
        return escapedTags(tags);
    }

    static void validateTags(Map<String, String> tags) {
        if (tags.size() > 10) {
            throw new S3Exception(400, "BadRequest", "Object tags cannot be greater than 10");
        }
        for (Map.Entry<String, String> t : tags.entrySet()) {
            if (t.getKey().isEmpty() || t.getKey().length() > 128 || t.getValue().length() > 256) {
                throw new S3Exception(400, "InvalidTag", "tag keys are 1-128 characters and values at most 256: '"
                        + t.getKey() + "'");
            }
        }
    }

    static BsonDocument escapedTags(Map<String, String> tags) {
        BsonDocument d = new BsonDocument();
        tags.forEach((k, v) -> d.put(TagEscaping.escape(k), new BsonString(TagEscaping.escape(v))));
        return d;
    }

    static String quote(String etag) {
        return "\"" + etag + "\"";
    }
}
