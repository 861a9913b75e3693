package io.backbeat.connect.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.bson.BsonDocument;

/**
 * CloudServer object metadata (the {@code value} of an object document). Immutable view over the raw JSON
 * tree: every field, known or not, is kept, so {@code parse(json).toJson()} gives the same JSON tree back.
 * The known fields are decoded when parsed, so malformed metadata fails early with a message naming the
 * field.
 */
public final class ObjectMetadata {

    /** Prefix of user metadata fields (S3 {@code x-amz-meta-*} headers). */
    public static final String USER_METADATA_PREFIX = "x-amz-meta-";

    private final ObjectNode raw;
    private final ReplicationInfo replicationInfo;
    private final List<DataLocation> location;
    private final Map<String, String> tags;
    private final Map<String, String> userMetadata;
    private final long contentLength;

    private ObjectMetadata(ObjectNode raw) {
        this.raw = raw;
        this.replicationInfo = ReplicationInfo.fromJson(raw.get("replicationInfo"));
        this.location = readLocation(raw.get("location"));
        this.tags = readTags(raw.get("tags"));
        this.userMetadata = readUserMetadata(raw);
        Long length = MetadataJson.asLong(raw.get("content-length"), "content-length");
        if (length != null && length < 0) {
            throw new InvalidMetadataException("content-length must not be negative, got " + length);
        }
        this.contentLength = length == null ? 0L : length;
        // decode the remaining typed fields now so that bad values are reported at parse time
        lastModified();
        creationTime();
        isDeleteMarker();
        isPhd();
        isDeleted();
        isNull();
        versionId();
    }

    /**
     * Parses object metadata JSON (relaxed or canonical Extended JSON).
     *
     * @throws InvalidMetadataException naming what is wrong
     */
    public static ObjectMetadata parse(String json) {
        return new ObjectMetadata(MetadataJson.parseObject(json, "object metadata"));
    }

    /** Reads the {@code value} of an object document as MongoDB stores it, without JSON text in between. */
    public static ObjectMetadata fromBson(BsonDocument value) {
        return new ObjectMetadata(MetadataBson.toTree(value));
    }

    /** Wraps a metadata tree (a copy is taken). */
    public static ObjectMetadata fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidMetadataException("object metadata must be a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType()));
        }
        return new ObjectMetadata(((ObjectNode) node).deepCopy());
    }

    /** The JSON text; equal as a tree to what was parsed, apart from {@code with…} changes. */
    public String toJson() {
        return MetadataJson.write(raw);
    }

    /** A copy of the JSON tree. */
    public ObjectNode toJsonNode() {
        return raw.deepCopy();
    }

    /** A copy of one field's raw JSON value, or null when absent. */
    public JsonNode field(String name) {
        JsonNode n = raw.get(name);
        return n == null ? null : n.deepCopy();
    }

    public boolean has(String name) {
        return raw.has(name);
    }

    // ---- identity and version ----

    /** The object key as CloudServer recorded it ({@code key}); null when absent. */
    public String key() {
        return text("key");
    }

    /** The internal version id; null for objects written without versioning. */
    public String versionId() {
        String v = text("versionId");
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * The version id an S3 client sees: "null" for a null version, the encoded internal id otherwise,
     * null when this metadata has no version id.
     */
    public String externalVersionId() {
        String v = versionId();
        if (v == null) {
            return null;
        }
        return isNull() ? VersionIds.NULL : VersionIds.encode(v);
    }

    /** True for the "null" version (written while versioning was suspended or before it was enabled). */
    public boolean isNull() {
        return bool("isNull");
    }

    /** The internal version id of the null version kept aside on a master, or null. */
    public String nullVersionId() {
        return text("nullVersionId");
    }

    public boolean isDeleteMarker() {
        return bool("isDeleteMarker");
    }

    /** A placeholder master ({@code isPHD}); the real latest version is being resolved: ignore it. */
    public boolean isPhd() {
        return bool("isPHD");
    }

    /** Set on the metadata journalled by CloudServer's delete (update with {@code deleted: true}). */
    public boolean isDeleted() {
        return bool("deleted");
    }

    public String uploadId() {
        return text("uploadId");
    }

    /** The S3 operation that produced this metadata, e.g. {@code s3:ObjectCreated:Put}. */
    public String originOp() {
        return text("originOp");
    }

    // ---- content ----

    /** Size in bytes; 0 when absent (delete markers). */
    public long contentLength() {
        return contentLength;
    }

    /** The ETag without quotes; {@code <md5>-<parts>} for multipart objects. */
    public String contentMd5() {
        return text("content-md5");
    }

    /** The number of parts encoded in a multipart ETag ({@code …-2} gives 2), or 0 for a single-part ETag. */
    public int multipartPartCount() {
        String md5 = contentMd5();
        if (md5 == null) {
            return 0;
        }
        int idx = md5.lastIndexOf('-');
        if (idx < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(md5.substring(idx + 1));
        } catch (NumberFormatException e) {
            throw new InvalidMetadataException("content-md5 has a malformed part count: \"" + md5 + "\"");
        }
    }

    public String contentType() {
        return nonEmpty("content-type");
    }

    public String contentLanguage() {
        return nonEmpty("content-language");
    }

    public String contentEncoding() {
        return nonEmpty("content-encoding");
    }

    public String contentDisposition() {
        return nonEmpty("content-disposition");
    }

    public String cacheControl() {
        return nonEmpty("cache-control");
    }

    /** The {@code Expires} header as stored (text); null when absent or empty. */
    public String expires() {
        return nonEmpty("expires");
    }

    public String websiteRedirectLocation() {
        return nonEmpty("x-amz-website-redirect-location");
    }

    public String storageClass() {
        return nonEmpty("x-amz-storage-class");
    }

    public String serverSideEncryption() {
        return nonEmpty("x-amz-server-side-encryption");
    }

    public String sseKmsKeyId() {
        return nonEmpty("x-amz-server-side-encryption-aws-kms-key-id");
    }

    public Instant lastModified() {
        return MetadataJson.asInstant(raw.get("last-modified"), "last-modified");
    }

    public Instant creationTime() {
        return MetadataJson.asInstant(raw.get("creation-time"), "creation-time");
    }

    public String ownerId() {
        return text("owner-id");
    }

    public String ownerDisplayName() {
        return text("owner-display-name");
    }

    /** A copy of the ACL tree, or null. */
    public JsonNode acl() {
        return field("acl");
    }

    /** The location name of the data ({@code dataStoreName}). */
    public String dataStoreName() {
        return nonEmpty("dataStoreName");
    }

    /** True when the data has been archived to a cold location (an {@code archive} object is present). */
    public boolean isArchived() {
        JsonNode a = raw.get("archive");
        return a != null && a.isObject();
    }

    /** The data pieces, in object order; empty for delete markers and empty objects. */
    public List<DataLocation> location() {
        return location;
    }

    /** User metadata: the {@code x-amz-meta-*} fields, keyed by their full (lower-case) names. */
    public Map<String, String> userMetadata() {
        return userMetadata;
    }

    /** User metadata keyed as the AWS SDK expects it: names without the {@code x-amz-meta-} prefix. */
    public Map<String, String> userMetadataWithoutPrefix() {
        Map<String, String> m = new LinkedHashMap<>();
        userMetadata.forEach((k, v) -> m.put(k.substring(USER_METADATA_PREFIX.length()), v));
        return Collections.unmodifiableMap(m);
    }

    /** Object tags, unescaped (S3 names and values). */
    public Map<String, String> tags() {
        return tags;
    }

    /**
     * A stable hash of what replication copies to a site: the data's identity (content-md5, content-length,
     * delete-marker flag), the user metadata, the content headers and the tags. Two metadata documents with the
     * same fingerprint give the same replica; replication bookkeeping (replicationInfo), ACLs and timestamps do
     * not count. 32 lower-case hex characters (the first 128 bits of a SHA-256).
     */
    public String replicationFingerprint() {
        StringBuilder canonical = new StringBuilder();
        // each value is length-prefixed, so no choice of values can make two different states collide
        BiConsumer<String, String> field = (name, value) -> {
            canonical.append(name).append('=');
            if (value == null) {
                canonical.append('-');
            } else {
                canonical.append(value.length()).append(':').append(value);
            }
            canonical.append(';');
        };
        field.accept("md5", contentMd5());
        field.accept("length", Long.toString(contentLength));
        field.accept("deleteMarker", Boolean.toString(isDeleteMarker()));
        field.accept("content-type", contentType());
        field.accept("cache-control", cacheControl());
        field.accept("content-disposition", contentDisposition());
        field.accept("content-encoding", contentEncoding());
        field.accept("content-language", contentLanguage());
        field.accept("expires", expires());
        field.accept("website-redirect", websiteRedirectLocation());
        new TreeMap<>(userMetadata).forEach((k, v) -> field.accept("meta:" + k, v));
        new TreeMap<>(tags).forEach((k, v) -> field.accept("tag:" + k, v));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** Never null; {@link ReplicationInfo#empty()} when absent. */
    public ReplicationInfo replicationInfo() {
        return replicationInfo;
    }

    // ---- copies with changes ----

    /** A copy with {@code replicationInfo} replaced; every other field untouched. */
    public ObjectMetadata withReplicationInfo(ReplicationInfo info) {
        Objects.requireNonNull(info, "replicationInfo");
        ObjectNode copy = raw.deepCopy();
        copy.set("replicationInfo", info.toJsonNode());
        return new ObjectMetadata(copy);
    }

    /** A copy with {@code tags} replaced by these (S3 form; escaped when stored). */
    public ObjectMetadata withTags(Map<String, String> newTags) {
        Objects.requireNonNull(newTags, "tags");
        ObjectNode copy = raw.deepCopy();
        ObjectNode t = copy.putObject("tags");
        newTags.forEach((k, v) -> {
            if (k == null || k.isEmpty()) {
                throw new IllegalArgumentException("tag name must not be empty");
            }
            t.put(TagEscaping.escape(k), TagEscaping.escape(v == null ? "" : v));
        });
        return new ObjectMetadata(copy);
    }

    /**
     * A copy with one field set (any JSON-able value: String, Number, Boolean, Map, List, JsonNode) or
     * removed when {@code value} is null.
     */
    public ObjectMetadata withField(String name, Object value) {
        Objects.requireNonNull(name, "name");
        ObjectNode copy = raw.deepCopy();
        if (value == null) {
            copy.remove(name);
        } else {
            copy.set(name, value instanceof JsonNode n ? n.deepCopy() : MetadataJson.valueToTree(value));
        }
        return new ObjectMetadata(copy);
    }

    // ---- decoding helpers ----

    private String text(String field) {
        return MetadataJson.asText(raw.get(field), field);
    }

    private String nonEmpty(String field) {
        String v = text(field);
        return v == null || v.isEmpty() ? null : v;
    }

    private boolean bool(String field) {
        return MetadataJson.asBoolean(raw.get(field), field);
    }

    private static List<DataLocation> readLocation(JsonNode node) {
        if (MetadataJson.isNull(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidMetadataException("location must be an array, got " + node.getNodeType());
        }
        List<DataLocation> list = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            list.add(DataLocation.fromJson(node.get(i), "location[" + i + "]"));
        }
        return List.copyOf(list);
    }

    private static Map<String, String> readTags(JsonNode node) {
        if (MetadataJson.isNull(node)) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidMetadataException("tags must be an object, got " + node.getNodeType());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String value = MetadataJson.asText(e.getValue(), "tags." + e.getKey());
            m.put(TagEscaping.unescape(e.getKey()), TagEscaping.unescape(value == null ? "" : value));
        }
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, String> readUserMetadata(ObjectNode raw) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : raw.properties()) {
            if (e.getKey().toLowerCase(Locale.ROOT).startsWith(USER_METADATA_PREFIX)) {
                m.put(e.getKey().toLowerCase(Locale.ROOT), MetadataJson.asText(e.getValue(), e.getKey()));
            }
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectMetadata other && raw.equals(other.raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }

    @Override
    public String toString() {
        return "ObjectMetadata" + toJson();
    }
}
