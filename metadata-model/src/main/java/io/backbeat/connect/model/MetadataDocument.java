package io.backbeat.connect.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A document of the {@code metadata} database as CloudServer writes it: {@code {_id, value}} in a bucket's
 * collection, {@code {_id, value, vFormat}} in {@code __metastore}. Fields other than these three are kept in
 * {@link #toJson()} too.
 */
public final class MetadataDocument {

    private final ObjectNode raw;
    private final String id;

    private MetadataDocument(ObjectNode raw) {
        this.raw = raw;
        JsonNode idNode = raw.get("_id");
        if (idNode == null || !idNode.isTextual()) {
            throw new InvalidMetadataException("metadata document _id must be a string, got "
                    + (idNode == null ? "nothing" : idNode.getNodeType()));
        }
        this.id = idNode.textValue();
        JsonNode value = raw.get("value");
        if (value != null && !value.isNull() && !value.isObject()) {
            throw new InvalidMetadataException("metadata document " + MetadataKey.printable(id)
                    + ": value must be an object, got " + value.getNodeType());
        }
        vFormat();
    }

    /** Parses a document (relaxed or canonical Extended JSON). */
    public static MetadataDocument parse(String json) {
        return new MetadataDocument(MetadataJson.parseObject(json, "metadata document"));
    }

    /** Builds {@code {_id, value}}. */
    public static MetadataDocument of(String id, ObjectMetadata value) {
        ObjectNode doc = MetadataJson.newObject();
        doc.put("_id", Objects.requireNonNull(id, "id"));
        doc.set("value", value.toJsonNode());
        return new MetadataDocument(doc);
    }

    /** The {@code _id} (raw key). */
    public String id() {
        return id;
    }

    /** The {@code value} as JSON text, null when absent. */
    public String value() {
        JsonNode v = raw.get("value");
        return MetadataJson.isNull(v) ? null : MetadataJson.write(v);
    }

    /** A copy of the {@code value} tree, null when absent. */
    ObjectNode valueNode() {
        JsonNode v = raw.get("value");
        return MetadataJson.isNull(v) ? null : ((ObjectNode) v).deepCopy();
    }

    /** {@code vFormat} (only on {@code __metastore} documents), null when absent. */
    public String vFormat() {
        return MetadataJson.asText(raw.get("vFormat"), "vFormat");
    }

    /** The {@code value} as object metadata. */
    public ObjectMetadata objectMetadata() {
        ObjectNode v = valueNode();
        if (v == null) {
            throw new InvalidMetadataException("metadata document " + MetadataKey.printable(id) + " has no value");
        }
        return ObjectMetadata.fromJson(v);
    }

    public String toJson() {
        return MetadataJson.write(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataDocument other && raw.equals(other.raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }
}
