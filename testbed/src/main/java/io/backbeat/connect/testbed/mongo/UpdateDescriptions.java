package io.backbeat.connect.testbed.mongo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Builds an update event's {@code updateDescription} from the update specification, the way MongoDB 5.0
 * derives it from the update's (v2) oplog entry:
 * <ul>
 *   <li>each {@code $set}-like path is reported as written ({@code "value.deleted"}), with its new value,
 *       unless the value did not change (so {@code $set: {_id: <same>}} reports nothing);</li>
 *   <li>a path whose parent did not exist is reported at the first missing field, with the whole new
 *       sub-document ({@code $set: {"a.b": 1}} on a document without {@code a} reports {@code a: {b: 1}});</li>
 *   <li>{@code $set} of a whole sub-document reports that field with its whole new value, never leaf paths;</li>
 *   <li>{@code $unset} paths that existed are listed in {@code removedFields}.</li>
 * </ul>
 * Approximation: array operators ({@code $push}, {@code $pull}, ...) report the whole new array at their path
 * (a real server may report single elements such as {@code "a.2"}); {@code truncatedArrays} stays empty.
 */
final class UpdateDescriptions {

    private static final Object MISSING = new Object();

    private UpdateDescriptions() {
    }

    /**
     * @param spec   the update operators applied, or null when unknown (then a top-level diff is used)
     * @param before the document before the update
     * @param after  the document after it
     */
    static Document describe(Document spec, Document before, Document after) {
        Document updated = new Document();
        List<String> removed = new ArrayList<>();
        if (spec != null) {
            for (Map.Entry<String, Object> operator : spec.entrySet()) {
                if (!(operator.getValue() instanceof Document fields)) {
                    continue;
                }
                for (Map.Entry<String, Object> field : fields.entrySet()) {
                    String path = field.getKey();
                    switch (operator.getKey()) {
                        case "$setOnInsert" -> {
                            // only applies when the update inserts, which is an insert event
                        }
                        case "$unset" -> {
                            if (valueAt(before, path) != MISSING && valueAt(after, path) == MISSING) {
                                removed.add(path);
                            }
                        }
                        case "$rename" -> {
                            if (valueAt(before, path) != MISSING && valueAt(after, path) == MISSING) {
                                removed.add(path);
                            }
                            if (field.getValue() instanceof String target) {
                                reportChange(target, before, after, updated);
                            }
                        }
                        default -> reportChange(path, before, after, updated);
                    }
                }
            }
        }
        if (updated.isEmpty() && removed.isEmpty()) {
            // unknown specification (or operators not modelled above): fall back to a top-level diff
            diffTopLevel(before, after, updated, removed);
        }
        Document description = new Document();
        description.put("updatedFields", updated);
        description.put("removedFields", removed);
        description.put("truncatedArrays", new ArrayList<>());
        return description;
    }

    private static void reportChange(String path, Document before, Document after, Document updated) {
        List<String> parts = new ArrayList<>(Arrays.asList(path.split("\\.")));
        int positional = indexOfPositional(parts);
        if (positional == 0) {
            return;
        }
        if (positional > 0) {
            // "a.$.b" / "a.$[i].b": report the array as a whole
            parts = parts.subList(0, positional);
        }
        Object current = before;
        int reported = parts.size();
        for (int i = 0; i < parts.size(); i++) {
            current = child(current, parts.get(i));
            if (current == MISSING) {
                reported = i + 1;
                break;
            }
        }
        String reportedPath = String.join(".", parts.subList(0, reported));
        Object newValue = valueAt(after, reportedPath);
        if (newValue == MISSING) {
            return;
        }
        if (reported == parts.size() && Objects.equals(valueAt(before, reportedPath), newValue)) {
            return;
        }
        updated.put(reportedPath, copy(newValue));
    }

    private static void diffTopLevel(Document before, Document after, Document updated, List<String> removed) {
        for (Map.Entry<String, Object> field : after.entrySet()) {
            if (!before.containsKey(field.getKey()) || !Objects.equals(before.get(field.getKey()), field.getValue())) {
                updated.put(field.getKey(), copy(field.getValue()));
            }
        }
        for (String key : before.keySet()) {
            if (!after.containsKey(key)) {
                removed.add(key);
            }
        }
    }

    private static int indexOfPositional(List<String> parts) {
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).startsWith("$")) {
                return i;
            }
        }
        return -1;
    }

    static Object valueAt(Document document, String path) {
        Object current = document;
        for (String part : path.split("\\.")) {
            current = child(current, part);
            if (current == MISSING) {
                return MISSING;
            }
        }
        return current;
    }

    private static Object child(Object parent, String name) {
        if (parent instanceof Document doc) {
            return doc.containsKey(name) ? doc.get(name) : MISSING;
        }
        if (parent instanceof List<?> list && !name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
            try {
                int index = Integer.parseInt(name);
                return index < list.size() ? list.get(index) : MISSING;
            } catch (NumberFormatException e) {
                return MISSING;
            }
        }
        return MISSING;
    }

    static Object copy(Object value) {
        if (value instanceof Document doc) {
            return doc.cloneDeeply();
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(copy(element));
            }
            return copy;
        }
        return value;
    }
}
