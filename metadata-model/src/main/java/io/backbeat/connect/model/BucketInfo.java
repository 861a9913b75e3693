package io.backbeat.connect.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A bucket's metadata (the {@code value} of its {@code __metastore} document), with the key format of its
 * object collection. Immutable view over the raw JSON: unknown fields are kept for lossless round-trips.
 */
public final class BucketInfo {

    /** The collection holding one document per bucket. */
    public static final String METASTORE = "__metastore";

    private final ObjectNode raw;
    private final String vFormat;
    private final ReplicationConfiguration replicationConfiguration;

    private BucketInfo(ObjectNode raw, String vFormat) {
        this.raw = raw;
        this.vFormat = vFormat;
        this.replicationConfiguration = ReplicationConfiguration.fromJson(raw.get("replicationConfiguration"));
        String name = name();
        if (name == null || name.isEmpty()) {
            throw new InvalidMetadataException("bucket metadata has no name");
        }
        versioningStatus();
        creationDate();
        isTransient();
        isDeleted();
    }

    /** Parses bucket metadata (the {@code value}); the key format is unknown (null). */
    public static BucketInfo parse(String json) {
        return new BucketInfo(MetadataJson.parseObject(json, "bucket metadata"), null);
    }

    /** Wraps bucket metadata with its {@code vFormat} (null when unknown); a copy is taken. */
    public static BucketInfo fromJson(JsonNode value, String vFormat) {
        if (value == null || !value.isObject()) {
            throw new InvalidMetadataException("bucket metadata must be a JSON object, got "
                    + (value == null ? "nothing" : value.getNodeType()));
        }
        return new BucketInfo(((ObjectNode) value).deepCopy(), vFormat);
    }

    /**
     * Parses a whole {@code __metastore} document {@code {_id, value, vFormat}}.
     *
     * @throws InvalidMetadataException when {@code value} is missing or {@code _id} and {@code value.name}
     *     disagree
     */
    public static BucketInfo fromMetastoreDocument(String json) {
        MetadataDocument doc = MetadataDocument.parse(json);
        if (doc.value() == null) {
            throw new InvalidMetadataException("__metastore document " + MetadataKey.printable(doc.id())
                    + " has no value");
        }
        BucketInfo info = new BucketInfo(doc.valueNode(), doc.vFormat());
        if (!doc.id().equals(info.name())) {
            throw new InvalidMetadataException("__metastore document _id \"" + doc.id()
                    + "\" does not match value.name \"" + info.name() + "\"");
        }
        return info;
    }

    /** The {@code __metastore} document {@code {_id, value, vFormat}} (vFormat omitted when unknown). */
    public String toMetastoreDocument() {
        ObjectNode doc = MetadataJson.newObject();
        doc.put("_id", name());
        doc.set("value", raw.deepCopy());
        if (vFormat != null) {
            doc.put("vFormat", vFormat);
        }
        return MetadataJson.write(doc);
    }

    /** The bucket metadata JSON (the {@code value}). */
    public String toJson() {
        return MetadataJson.write(raw);
    }

    public ObjectNode toJsonNode() {
        return raw.deepCopy();
    }

    public String name() {
        return MetadataJson.asText(raw.get("name"), "name");
    }

    public String owner() {
        return MetadataJson.asText(raw.get("owner"), "owner");
    }

    public String ownerDisplayName() {
        return MetadataJson.asText(raw.get("ownerDisplayName"), "ownerDisplayName");
    }

    public Instant creationDate() {
        return MetadataJson.asInstant(raw.get("creationDate"), "creationDate");
    }

    public String locationConstraint() {
        return MetadataJson.asText(raw.get("locationConstraint"), "locationConstraint");
    }

    /** {@code vFormat} of the document, null when unknown. */
    public String vFormat() {
        return vFormat;
    }

    /** The key format of the bucket's object collection (v0 when {@code vFormat} is absent). */
    public KeyFormat keyFormat() {
        return KeyFormat.fromVFormat(vFormat);
    }

    /** {@code Enabled}, {@code Suspended}, or null when versioning was never configured. */
    public String versioningStatus() {
        JsonNode vc = raw.get("versioningConfiguration");
        if (MetadataJson.isNull(vc)) {
            return null;
        }
        if (!vc.isObject()) {
            throw new InvalidMetadataException("versioningConfiguration must be an object, got " + vc.getNodeType());
        }
        return MetadataJson.asText(vc.get("Status"), "versioningConfiguration.Status");
    }

    public boolean isVersioningEnabled() {
        return "Enabled".equals(versioningStatus());
    }

    /** The replication configuration, or null when the bucket has none. */
    public ReplicationConfiguration replicationConfiguration() {
        return replicationConfiguration;
    }

    /** Set while the bucket is being created or deleted. */
    public boolean isTransient() {
        return MetadataJson.asBoolean(raw.get("transient"), "transient");
    }

    public boolean isDeleted() {
        return MetadataJson.asBoolean(raw.get("deleted"), "deleted");
    }

    public boolean isNfs() {
        return MetadataJson.asBoolean(raw.get("isNFS"), "isNFS");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BucketInfo other && raw.equals(other.raw) && Objects.equals(vFormat, other.vFormat);
    }

    @Override
    public int hashCode() {
        return raw.hashCode() * 31 + Objects.hashCode(vFormat);
    }

    @Override
    public String toString() {
        return "BucketInfo[" + name() + ", vFormat=" + vFormat + "]";
    }
}
