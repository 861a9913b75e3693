package io.backbeat.connect.model;

import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reads the fields of a record value that is either a {@link Struct} (with any schema carrying the
 * expected fields) or a schemaless {@code Map} (JsonConverter without schemas). Every failure is a
 * {@link DataException} naming the record type and the field.
 */
final class ConnectValues {

    private final String recordName;
    private final Struct struct;
    private final Map<?, ?> map;

    private ConnectValues(String recordName, Struct struct, Map<?, ?> map) {
        this.recordName = recordName;
        this.struct = struct;
        this.map = map;
    }

    static ConnectValues of(String recordName, Object value) {
        if (value instanceof Struct s) {
            return new ConnectValues(recordName, s, null);
        }
        if (value instanceof Map<?, ?> m) {
            return new ConnectValues(recordName, null, m);
        }
        throw new DataException(recordName + ": expected a Struct or a Map value, got "
                + (value == null ? "null" : value.getClass().getName()));
    }

    String requiredString(String field) {
        String v = optionalString(field);
        if (v == null) {
            throw new DataException(recordName + ": required field '" + field + "' is null");
        }
        return v;
    }

    String optionalString(String field) {
        Object v = raw(field);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw wrongType(field, "a string", v);
    }

    long requiredLong(String field) {
        Long v = optionalLong(field);
        if (v == null) {
            throw new DataException(recordName + ": required field '" + field + "' is null");
        }
        return v;
    }

    Long optionalLong(String field) {
        Object v = raw(field);
        if (v == null) {
            return null;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        throw wrongType(field, "an integer", v);
    }

    /** Like {@link #optionalString} for a field added in a later schema version: null when the field is absent. */
    String laterString(String field) {
        boolean present = struct != null ? struct.schema().field(field) != null : map.containsKey(field);
        return present ? optionalString(field) : null;
    }

    private Object raw(String field) {
        if (struct != null) {
            Schema schema = struct.schema();
            Field f = schema.field(field);
            if (f == null) {
                throw new DataException(recordName + ": field '" + field + "' is missing from schema "
                        + (schema.name() == null ? "(unnamed)" : schema.name()));
            }
            return struct.get(f);
        }
        if (!map.containsKey(field)) {
            throw new DataException(recordName + ": field '" + field + "' is missing from the value");
        }
        return map.get(field);
    }

    private DataException wrongType(String field, String expected, Object v) {
        return new DataException(recordName + ": field '" + field + "' must be " + expected + ", got "
                + v.getClass().getSimpleName() + " " + v);
    }

    /** Runs record construction, turning validation failures into DataExceptions. */
    static <T> T build(String recordName, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new DataException(recordName + ": " + e.getMessage(), e);
        }
    }
}
