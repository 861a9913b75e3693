package io.backbeat.connect.model;

import java.util.Objects;

/**
 * A decoded object document {@code _id}: the object key, and the internal version id for version keys. A
 * key without the {@code \0} separator is a master.
 *
 * @param rawKey the document {@code _id} as stored
 * @param format the key format it was read with
 * @param objectKey the S3 object key
 * @param internalVersionId the internal version id for a version key, null for a master
 */
public record MetadataKey(String rawKey, KeyFormat format, String objectKey, String internalVersionId) {

    public MetadataKey {
        Objects.requireNonNull(rawKey, "rawKey");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(objectKey, "objectKey");
    }

    /**
     * Parses an {@code _id}, recognising the format from it: a {@code \x7fM} or {@code \x7fV} prefix is v1,
     * anything else v0. Use {@link #parse(String, KeyFormat)} when the bucket's {@code vFormat} is known.
     *
     * @throws InvalidMetadataException naming the key when it is not an object key
     */
    public static MetadataKey parse(String rawKey) {
        Objects.requireNonNull(rawKey, "rawKey");
        boolean v1 = rawKey.startsWith(KeyFormat.V1_MASTER_PREFIX) || rawKey.startsWith(KeyFormat.V1_VERSION_PREFIX);
        return parse(rawKey, v1 ? KeyFormat.V1 : KeyFormat.V0);
    }

    /**
     * Parses an {@code _id} of a bucket whose key format is known.
     *
     * @throws InvalidMetadataException naming the key when it is not an object key of that format
     */
    public static MetadataKey parse(String rawKey, KeyFormat format) {
        Objects.requireNonNull(rawKey, "rawKey");
        Objects.requireNonNull(format, "format");
        String rest = rawKey;
        boolean versionPrefix = false;
        if (format == KeyFormat.V1) {
            if (rawKey.startsWith(KeyFormat.V1_MASTER_PREFIX)) {
                rest = rawKey.substring(KeyFormat.V1_MASTER_PREFIX.length());
            } else if (rawKey.startsWith(KeyFormat.V1_VERSION_PREFIX)) {
                rest = rawKey.substring(KeyFormat.V1_VERSION_PREFIX.length());
                versionPrefix = true;
            } else {
                throw new InvalidMetadataException("key " + printable(rawKey)
                        + " is not a v1 object key (expected a \\x7fM or \\x7fV prefix)");
            }
        }
        int sep = rest.indexOf(KeyFormat.VERSION_SEPARATOR);
        String objectKey = sep < 0 ? rest : rest.substring(0, sep);
        String versionId = sep < 0 ? null : rest.substring(sep + 1);
        if (objectKey.isEmpty()) {
            throw new InvalidMetadataException("key " + printable(rawKey) + " has an empty object key");
        }
        if (versionId != null && versionId.isEmpty()) {
            throw new InvalidMetadataException("key " + printable(rawKey) + " has an empty version id after \\0");
        }
        if (format == KeyFormat.V1 && versionPrefix != (versionId != null)) {
            throw new InvalidMetadataException("key " + printable(rawKey) + (versionPrefix
                    ? " has the v1 version prefix but no \\0 version separator"
                    : " has the v1 master prefix but a \\0 version separator"));
        }
        return new MetadataKey(rawKey, format, objectKey, versionId);
    }

    public boolean isMaster() {
        return internalVersionId == null;
    }

    public boolean isVersion() {
        return internalVersionId != null;
    }

    /** The external (S3) version id of a version key, null for a master. */
    public String externalVersionId() {
        return internalVersionId == null ? null : VersionIds.encode(internalVersionId);
    }

    /** The master key of the same object in the same format. */
    public String masterKey() {
        return format.masterKey(objectKey);
    }

    /** The key with control characters shown as escapes, for messages and logs. */
    public static String printable(String rawKey) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : rawKey.toCharArray()) {
            if (c == '\0') {
                sb.append("\\0");
            } else if (c == '\u007f') {
                sb.append("\\x7f");
            } else if (c < 0x20) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public String toString() {
        return "MetadataKey[" + printable(rawKey) + "]";
    }
}
