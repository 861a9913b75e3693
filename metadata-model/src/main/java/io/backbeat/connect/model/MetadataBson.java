package io.backbeat.connect.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Metadata as CloudServer's MongoDB stores it (BSON) turned into the JSON tree {@link MetadataJson} reads: the
 * tree that parsing the document's relaxed Extended JSON would give, built without writing that text. (The
 * driver's JSON writer appends one character at a time to a synchronized buffer: on the source connector's
 * hot path it cost more than everything else the connector does per event.)
 */
public final class MetadataBson {

    /** The driver's relaxed Extended JSON, for the BSON types the tree cannot carry as plain values. */
    public static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String WRAPPER = "v";

    private MetadataBson() {
    }

    /** The tree of a document (a new tree the caller owns). */
    public static ObjectNode toTree(BsonDocument document) {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<String, BsonValue> e : document.entrySet()) {
            o.set(e.getKey(), toTree(e.getValue()));
        }
        return o;
    }

    private static JsonNode toTree(BsonValue value) {
        switch (value.getBsonType()) {
            case DOCUMENT:
                return toTree(value.asDocument());
            case ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (BsonValue v : value.asArray()) {
                    a.add(toTree(v));
                }
                return a;
            }
            case STRING:
                return NODES.textNode(value.asString().getValue());
            case BOOLEAN:
                return NODES.booleanNode(value.asBoolean().getValue());
            case NULL:
                return NODES.nullNode();
            case INT32:
                return NODES.numberNode(value.asInt32().getValue());
            case INT64: {
                // the node type a parser gives the same digits: int when it fits
                long l = value.asInt64().getValue();
                return l == (int) l ? NODES.numberNode((int) l) : NODES.numberNode(l);
            }
            case DOUBLE: {
                double d = value.asDouble().getValue();
                if (!Double.isNaN(d) && !Double.isInfinite(d)) {
                    return NODES.numberNode(d);
                }
                return viaDriver(value); // {"$numberDouble": "NaN"}
            }
            default:
                // dates, ids, decimals, binaries...: rare in CloudServer metadata; the driver's exact form
                return viaDriver(value);
        }
    }

    private static JsonNode viaDriver(BsonValue value) {
        String json = new BsonDocument(WRAPPER, value).toJson(RELAXED);
        try {
            return MetadataJson.mapper().readTree(json).get(WRAPPER);
        } catch (JsonProcessingException e) {
            // the driver's own output always parses; this would be a bug
            throw new IllegalStateException("cannot read the driver's JSON of a " + value.getBsonType(), e);
        }
    }
}
