package io.backbeat.connect.sandbox.sourcesite;

import io.backbeat.connect.model.KeyFormat;
import io.backbeat.connect.model.VersionIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.bson.BsonDocument;

/** ListObjectVersions and ListObjects (v1, v2) over the v1 keys of a bucket collection. */
final class ListingApi {

    private static final String MASTER_PREFIX = "\u007fM";
    private static final String VERSION_PREFIX = "\u007fV";
    private final SiteContext site;

    ListingApi(SiteContext site) {
        this.site = site;
    }

    /** One listed entry: object key, version id ("null" for a null version) and its value. */
    private record Entry(String key, String versionId, BsonDocument value) {
    }

    S3Response listVersions(S3Request req) {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        String prefix = req.query("prefix") == null ? "" : req.query("prefix");
        String delimiter = emptyToNull(req.query("delimiter"));
        String keyMarker = req.query("key-marker") == null ? "" : req.query("key-marker");
        String versionMarker = emptyToNull(req.query("version-id-marker"));
        int maxKeys = req.intQuery("max-keys", 1000, 0, 1000);
        boolean urlEncode = encodingType(req);

        // versions in key order; per key newest first (v1 version keys sort so); null versions by date
        Map<String, List<Entry>> byKey = new LinkedHashMap<>();
        for (BsonDocument d : site.metadata.scan(b.name(), VERSION_PREFIX + prefix, VERSION_PREFIX + prefix
                + '\uffff')) {
            BsonDocument v = d.getDocument("value");
            if (MetadataStore.isTrue(v, "deleted") || MetadataStore.isTrue(v, "isPHD")) {
                continue;
            }
            var k = KeyFormat.V1.parse(d.getString("_id").getValue());
            byKey.computeIfAbsent(k.objectKey(), x -> new ArrayList<>()).add(new Entry(k.objectKey(),
                    k.internalVersionId(), v));
        }
        for (BsonDocument d : site.metadata.scan(b.name(), MASTER_PREFIX + prefix, MASTER_PREFIX + prefix
                + '\uffff')) {
            BsonDocument v = d.getDocument("value");
            if (MetadataStore.stringField(v, "versionId") != null || MetadataStore.isTrue(v, "deleted")
                    || MetadataStore.isTrue(v, "isPHD")) {
                continue;
            }
            String key = d.getString("_id").getValue().substring(MASTER_PREFIX.length());
            List<Entry> list = byKey.computeIfAbsent(key, x -> new ArrayList<>());
            String lm = MetadataStore.stringField(v, "last-modified");
            int at = 0;
            while (at < list.size() && lm != null && lm.compareTo(String.valueOf(
                    MetadataStore.stringField(list.get(at).value(), "last-modified"))) < 0) {
                at++;
            }
            list.add(at, new Entry(key, VersionIds.NULL, v));
        }
        List<String> keys = new ArrayList<>(new TreeSet<>(byKey.keySet()));

        Xml x = Xml.root("ListVersionsResult").element("Name", b.name()).element("Prefix", enc(prefix, urlEncode))
                .element("KeyMarker", enc(keyMarker, urlEncode))
                .element("VersionIdMarker", versionMarker == null ? "" : versionMarker)
                .element("MaxKeys", maxKeys);
        if (delimiter != null) {
            x.element("Delimiter", enc(delimiter, urlEncode));
        }
        if (urlEncode) {
            x.element("EncodingType", "url");
        }
        TreeSet<String> commonPrefixes = new TreeSet<>();
        int count = 0;
        boolean truncated = false;
        String nextKey = null;
        String nextVersion = null;
        outer:
        for (String key : keys) {
            if (key.compareTo(keyMarker) < 0 || (versionMarker == null && !keyMarker.isEmpty()
                    && key.equals(keyMarker))) {
                continue;
            }
            if (delimiter != null) {
                int idx = key.indexOf(delimiter, prefix.length());
                if (idx >= 0) {
                    String cp = key.substring(0, idx + delimiter.length());
                    if (!commonPrefixes.contains(cp) && !cp.equals(keyMarker)) {
                        if (count == maxKeys) {
                            truncated = true;
                            break;
                        }
                        commonPrefixes.add(cp);
                        count++;
                        nextKey = cp;
                        nextVersion = null;
                    }
                    continue;
                }
            }
            List<Entry> entries = byKey.get(key);
            boolean skipping = versionMarker != null && key.equals(keyMarker);
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                String external = VersionIds.NULL.equals(e.versionId()) ? VersionIds.NULL
                        : VersionIds.encode(e.versionId());
                if (skipping) {
                    if (external.equals(versionMarker)) {
                        skipping = false;
                    }
                    continue;
                }
                if (count == maxKeys) {
                    truncated = true;
                    break outer;
                }
                appendVersion(x, e, external, i == 0, urlEncode);
                count++;
                nextKey = key;
                nextVersion = external;
            }
        }
        x.element("IsTruncated", truncated);
        if (truncated) {
            x.element("NextKeyMarker", enc(nextKey, urlEncode));
            if (nextVersion != null) {
                x.element("NextVersionIdMarker", nextVersion);
            }
        }
        for (String cp : commonPrefixes) {
            x.open("CommonPrefixes").element("Prefix", enc(cp, urlEncode)).close("CommonPrefixes");
        }
        return S3Response.xml(x.done("ListVersionsResult"));
    }

    private static void appendVersion(Xml x, Entry e, String external, boolean latest, boolean urlEncode) {
        BsonDocument v = e.value();
        boolean marker = MetadataStore.isTrue(v, "isDeleteMarker");
        String element = marker ? "DeleteMarker" : "Version";
        x.open(element).element("Key", enc(e.key(), urlEncode)).element("VersionId", external)
                .element("IsLatest", latest).element("LastModified", MetadataStore.stringField(v, "last-modified"));
        if (!marker) {
            x.element("ETag", ObjectApi.quote(MetadataStore.stringField(v, "content-md5")))
                    .element("Size", BsonJson.longValue(v.get("content-length"), 0));
        }
        x.open("Owner").element("ID", MetadataStore.stringField(v, "owner-id"))
                .element("DisplayName", MetadataStore.stringField(v, "owner-display-name")).close("Owner");
        if (!marker) {
            x.element("StorageClass", "STANDARD");
        }
        x.close(element);
    }

    S3Response listObjects(S3Request req, boolean v2) {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        String prefix = req.query("prefix") == null ? "" : req.query("prefix");
        String delimiter = emptyToNull(req.query("delimiter"));
        int maxKeys = req.intQuery("max-keys", 1000, 0, 1000);
        boolean urlEncode = encodingType(req);
        String after;
        if (v2) {
            String token = req.query("continuation-token");
            if (token != null) {
                try {
                    after = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw S3Exception.invalidArgument("The continuation token provided is incorrect");
                }
            } else {
                after = req.query("start-after") == null ? "" : req.query("start-after");
            }
        } else {
            after = req.query("marker") == null ? "" : req.query("marker");
        }
        boolean fetchOwner = !v2 || "true".equals(req.query("fetch-owner"));
        String root = "ListBucketResult";
        List<String> contents = new ArrayList<>();
        List<BsonDocument> values = new ArrayList<>();
        TreeSet<String> commonPrefixes = new TreeSet<>();
        int count = 0;
        boolean truncated = false;
        String last = null;
        for (BsonDocument d : site.metadata.scan(b.name(), MASTER_PREFIX + prefix, MASTER_PREFIX + prefix
                + '\uffff')) {
            String key = d.getString("_id").getValue().substring(MASTER_PREFIX.length());
            if (!after.isEmpty() && key.compareTo(after) <= 0) {
                continue;
            }
            BsonDocument v = d.getDocument("value");
            if (MetadataStore.isTrue(v, "deleted")) {
                continue;
            }
            if (MetadataStore.isTrue(v, "isPHD")) {
                v = site.metadata.latestVersion(b.name(), key);
                if (v == null || MetadataStore.isTrue(v, "isDeleteMarker")) {
                    continue;
                }
            }
            String cp = null;
            if (delimiter != null) {
                int idx = key.indexOf(delimiter, prefix.length());
                if (idx >= 0) {
                    cp = key.substring(0, idx + delimiter.length());
                    if (commonPrefixes.contains(cp)) {
                        continue;
                    }
                    if (!after.isEmpty() && after.startsWith(cp)) {
                        continue;
                    }
                }
            }
            if (count == maxKeys) {
                truncated = true;
                break;
            }
            count++;
            if (cp != null) {
                commonPrefixes.add(cp);
                last = cp;
            } else {
                contents.add(key);
                values.add(v);
                last = key;
            }
        }
        Xml x = Xml.root(root).element("Name", b.name()).element("Prefix", enc(prefix, urlEncode));
        if (v2) {
            if (req.query("continuation-token") != null) {
                x.element("ContinuationToken", req.query("continuation-token"));
            }
            if (req.query("start-after") != null) {
                x.element("StartAfter", enc(req.query("start-after"), urlEncode));
            }
            x.element("KeyCount", count);
        } else {
            x.element("Marker", enc(after, urlEncode));
        }
        x.element("MaxKeys", maxKeys);
        if (delimiter != null) {
            x.element("Delimiter", enc(delimiter, urlEncode));
        }
        if (urlEncode) {
            x.element("EncodingType", "url");
        }
        x.element("IsTruncated", truncated);
        if (truncated && last != null) {
            if (v2) {
                x.element("NextContinuationToken", Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(last.getBytes(StandardCharsets.UTF_8)));
            } else if (delimiter != null) {
                x.element("NextMarker", enc(last, urlEncode));
            }
        }
        for (int i = 0; i < contents.size(); i++) {
            BsonDocument v = values.get(i);
            x.open("Contents").element("Key", enc(contents.get(i), urlEncode))
                    .element("LastModified", MetadataStore.stringField(v, "last-modified"))
                    .element("ETag", ObjectApi.quote(MetadataStore.stringField(v, "content-md5")))
                    .element("Size", BsonJson.longValue(v.get("content-length"), 0));
            if (fetchOwner) {
                x.open("Owner").element("ID", MetadataStore.stringField(v, "owner-id"))
                        .element("DisplayName", MetadataStore.stringField(v, "owner-display-name")).close("Owner");
            }
            x.element("StorageClass", "STANDARD").close("Contents");
        }
        for (String cp : commonPrefixes) {
            x.open("CommonPrefixes").element("Prefix", enc(cp, urlEncode)).close("CommonPrefixes");
        }
        return S3Response.xml(x.done(root));
    }

    private static boolean encodingType(S3Request req) {
        String e = req.query("encoding-type");
        if (e == null) {
            return false;
        }
        if (!e.equals("url")) {
            throw S3Exception.invalidArgument("Invalid Encoding Method specified in Request: " + e);
        }
        return true;
    }

    /** URL encoding for encoding-type=url answers ('/' kept, as S3 does). */
    private static String enc(String s, boolean urlEncode) {
        if (s == null || !urlEncode) {
            return s;
        }
        return SigV4.uriEncode(s).replace("%2F", "/");
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
