package io.backbeat.connect.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The one place where metadata JSON is read and written. Other modules go through this class (or the model
 * types built on it) instead of creating their own Jackson mappers.
 *
 * <p>Input is MongoDB relaxed Extended JSON (plain numbers), but the readers here also accept the typed
 * wrappers ({@code $numberInt}, {@code $numberLong}, {@code $numberDouble}, {@code $numberDecimal},
 * {@code $date}) so that canonical Extended JSON decodes too. Trees are kept as they came so that writing
 * them back is lossless.
 */
public final class MetadataJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private MetadataJson() {
    }

    /** The shared mapper; treat it as read-only. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A new empty JSON object. */
    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    /**
     * Parses a JSON object.
     *
     * @param json the text
     * @param what what the text is (used in error messages, e.g. "object metadata")
     * @throws InvalidMetadataException when the text is null, not JSON, or not a JSON object
     */
    public static ObjectNode parseObject(String json, String what) {
        if (json == null) {
            throw new InvalidMetadataException(what + " is missing (null JSON)");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidMetadataException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidMetadataException(what + " is empty");
        }
        if (!node.isObject()) {
            throw new InvalidMetadataException(what + " must be a JSON object, got " + node.getNodeType());
        }
        return (ObjectNode) node;
    }

    /** Writes a tree as compact JSON. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // a tree built by Jackson always serialises; this would be a bug
            throw new IllegalStateException("cannot serialise JSON tree", e);
        }
    }

    /** Converts a plain Java value (String, Number, Boolean, Map, List, null) to a tree. */
    public static JsonNode valueToTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** True when the node is absent or JSON null. */
    public static boolean isNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /**
     * Reads a number, unwrapping Extended JSON number wrappers and accepting numeric strings.
     *
     * @return the value, or null when the node is absent or null
     * @throws InvalidMetadataException when the node is not a whole number
     */
    public static Long asLong(JsonNode node, String field) {
        JsonNode n = unwrapNumber(node);
        if (isNull(n)) {
            return null;
        }
        try {
            BigDecimal value;
            if (n.isNumber()) {
                value = n.decimalValue();
            } else if (n.isTextual()) {
                value = new BigDecimal(n.textValue().trim());
            } else {
                throw new InvalidMetadataException(field + " must be a number, got " + n.getNodeType() + ": " + n);
            }
            return value.longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new InvalidMetadataException(field + " must be a whole number, got " + n, e);
        }
    }

    /**
     * Reads a string; numbers and booleans are given as their text.
     *
     * @return the value, or null when absent or null
     * @throws InvalidMetadataException when the node is an object or array
     */
    public static String asText(JsonNode node, String field) {
        if (isNull(node)) {
            return null;
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        JsonNode unwrapped = unwrapNumber(node);
        if (unwrapped != node) {
            return unwrapped.asText();
        }
        throw new InvalidMetadataException(field + " must be a string, got " + node.getNodeType() + ": " + node);
    }

    /**
     * Reads a boolean. Absent or null is false (CloudServer writes {@code isNFS: null}, and older objects
     * lack newer flags).
     *
     * @throws InvalidMetadataException when the node is present but not a boolean
     */
    public static boolean asBoolean(JsonNode node, String field) {
        if (isNull(node)) {
            return false;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && ("true".equals(node.textValue()) || "false".equals(node.textValue()))) {
            return Boolean.parseBoolean(node.textValue());
        }
        throw new InvalidMetadataException(field + " must be a boolean, got " + node.getNodeType() + ": " + node);
    }

    /**
     * Reads a point in time: an ISO-8601 string (CloudServer's format), an Extended JSON {@code $date}
     * (ISO string or epoch milliseconds), or a number of epoch milliseconds.
     *
     * @return the instant, or null when absent, null or the empty string
     * @throws InvalidMetadataException when present but not a date
     */
    public static Instant asInstant(JsonNode node, String field) {
        if (isNull(node)) {
            return null;
        }
        JsonNode n = node;
        if (n.isObject() && n.has("$date") && n.size() == 1) {
            n = n.get("$date");
        }
        if (n.isTextual()) {
            String text = n.textValue().trim();
            if (text.isEmpty()) {
                return null;
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new InvalidMetadataException(field + " must be an ISO-8601 date, got \"" + text + "\"", e);
            }
        }
        Long ms = asLong(n, field);
        return ms == null ? null : Instant.ofEpochMilli(ms);
    }

    /** Returns the inner value of an Extended JSON number wrapper, or the node itself. */
    static JsonNode unwrapNumber(JsonNode node) {
        if (node != null && node.isObject() && node.size() == 1) {
            for (String wrapper : new String[] {"$numberInt", "$numberLong", "$numberDouble", "$numberDecimal"}) {
                JsonNode inner = node.get(wrapper);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return node;
    }
}
