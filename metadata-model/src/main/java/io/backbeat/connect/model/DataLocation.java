package io.backbeat.connect.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of an object's {@code location}: a piece of the object's data in a data store. A multipart
 * object has one entry per part (or more when a part is split).
 *
 * @param key the data store key (a number for the in-memory store, a string elsewhere)
 * @param size bytes in this piece
 * @param start offset of this piece in the object
 * @param dataStoreName the location name
 * @param dataStoreType the location type, null when not recorded
 * @param dataStoreETag {@code <partNumber>:<md5>}, null when not recorded
 * @param dataStoreVersionId the version id in a cloud data store, null when not recorded
 */
public record DataLocation(String key, long size, long start, String dataStoreName, String dataStoreType,
        String dataStoreETag, String dataStoreVersionId) {

    /** Reads one {@code location[]} entry; {@code where} names it in error messages. */
    static DataLocation fromJson(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new InvalidMetadataException(where + " must be an object, got "
                    + (node == null ? "nothing" : node.getNodeType()));
        }
        Long size = MetadataJson.asLong(node.get("size"), where + ".size");
        Long start = MetadataJson.asLong(node.get("start"), where + ".start");
        return new DataLocation(
                MetadataJson.asText(node.get("key"), where + ".key"),
                size == null ? 0L : size,
                start == null ? 0L : start,
                MetadataJson.asText(node.get("dataStoreName"), where + ".dataStoreName"),
                MetadataJson.asText(node.get("dataStoreType"), where + ".dataStoreType"),
                MetadataJson.asText(node.get("dataStoreETag"), where + ".dataStoreETag"),
                MetadataJson.asText(node.get("dataStoreVersionId"), where + ".dataStoreVersionId"));
    }

    /** The part number from {@link #dataStoreETag()} ({@code 2:abc…} gives 2), or 0 when unknown. */
    public int partNumber() {
        if (dataStoreETag == null) {
            return 0;
        }
        int idx = dataStoreETag.indexOf(':');
        if (idx <= 0) {
            return 0;
        }
        try {
            return Integer.parseInt(dataStoreETag.substring(0, idx));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The part's MD5 from {@link #dataStoreETag()}, or null when unknown. */
    public String partETag() {
        if (dataStoreETag == null) {
            return null;
        }
        int idx = dataStoreETag.indexOf(':');
        return idx < 0 ? dataStoreETag : dataStoreETag.substring(idx + 1);
    }
}
