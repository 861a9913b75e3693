package io.backbeat.connect.sandbox.sourcesite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backbeat.connect.model.MetadataJson;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Converts between the BSON CloudServer stores and the JSON its routes speak, with JavaScript number
 * semantics: CloudServer's Node driver stores an integral number as int32 when it fits and as a double
 * otherwise, and JSON shows both as plain numbers.
 */
final class BsonJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BsonJson() {
    }

    static JsonNode toJson(BsonValue value) {
        switch (value.getBsonType()) {
            case DOCUMENT: {
                ObjectNode o = NODES.objectNode();
                for (Map.Entry<String, BsonValue> e : value.asDocument().entrySet()) {
                    o.set(e.getKey(), toJson(e.getValue()));
                }
                return o;
            }
            case ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (BsonValue v : value.asArray()) {
                    a.add(toJson(v));
                }
                return a;
            }
            case STRING:
                return NODES.textNode(value.asString().getValue());
            case BOOLEAN:
                return NODES.booleanNode(value.asBoolean().getValue());
            case INT32:
                return NODES.numberNode(value.asInt32().getValue());
            case INT64:
                return NODES.numberNode(value.asInt64().getValue());
            case DOUBLE: {
                double d = value.asDouble().getValue();
                if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
                    return NODES.numberNode((long) d);
                }
                return NODES.numberNode(d);
            }
            case NULL:
            case UNDEFINED:
                return NODES.nullNode();
            case DATE_TIME:
                return NODES.textNode(java.time.Instant.ofEpochMilli(value.asDateTime().getValue()).toString());
            default:
                return NODES.textNode(value.toString());
        }
    }

    static String toJsonText(BsonDocument doc) {
        return MetadataJson.write(toJson(doc));
    }

    static BsonValue toBson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return BsonNull.VALUE;
        }
        if (node.isObject()) {
            BsonDocument d = new BsonDocument();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                d.put(e.getKey(), toBson(e.getValue()));
            }
            return d;
        }
        if (node.isArray()) {
            BsonArray a = new BsonArray();
            node.forEach(v -> a.add(toBson(v)));
            return a;
        }
        if (node.isTextual()) {
            return new BsonString(node.textValue());
        }
        if (node.isBoolean()) {
            return BsonBoolean.valueOf(node.booleanValue());
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return number(node.longValue());
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return number((long) d);
            }
            return new BsonDouble(d);
        }
        throw new IllegalArgumentException("unsupported JSON value " + node);
    }

    /** A JavaScript number as the Node driver stores it. */
    static BsonValue number(long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return new BsonInt32((int) v);
        }
        return new BsonDouble(v);
    }

    static BsonDocument parseObject(String json, String what) {
        return toBson(MetadataJson.parseObject(json, what)).asDocument();
    }

    /** A long from a BSON number of any type, or the fallback when absent / not a number. */
    static long longValue(BsonValue v, long fallback) {
        return v != null && v.isNumber() ? v.asNumber().longValue() : fallback;
    }
}
