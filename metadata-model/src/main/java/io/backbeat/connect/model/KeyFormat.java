package io.backbeat.connect.model;

import java.util.Objects;

/**
 * Bucket key formats ({@code vFormat} of a {@code __metastore} entry). v0: master {@code <key>}, version
 * {@code <key>\0<versionId>}. v1: master {@code \x7fM<key>}, version {@code \x7fV<key>\0<versionId>}.
 */
public enum KeyFormat {
    V0("", ""),
    V1("\u007fM", "\u007fV");

    /** Separates the object key from the version id in a version key. */
    public static final char VERSION_SEPARATOR = '\0';
    static final String V1_MASTER_PREFIX = "\u007fM";
    static final String V1_VERSION_PREFIX = "\u007fV";

    private final String masterPrefix;
    private final String versionPrefix;

    KeyFormat(String masterPrefix, String versionPrefix) {
        this.masterPrefix = masterPrefix;
        this.versionPrefix = versionPrefix;
    }

    /**
     * The format named by a {@code vFormat} value; absent means v0 (buckets created before v1 existed).
     *
     * @throws InvalidMetadataException for anything other than v0 or v1 (migration states are not supported)
     */
    public static KeyFormat fromVFormat(String vFormat) {
        if (vFormat == null || vFormat.isEmpty() || "v0".equals(vFormat)) {
            return V0;
        }
        if ("v1".equals(vFormat)) {
            return V1;
        }
        throw new InvalidMetadataException("unsupported bucket key format vFormat=\"" + vFormat
                + "\" (supported: v0, v1)");
    }

    /** The {@code vFormat} value, {@code v0} or {@code v1}. */
    public String vFormat() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The document {@code _id} of an object's master. */
    public String masterKey(String objectKey) {
        requireObjectKey(objectKey);
        return masterPrefix + objectKey;
    }

    /** The document {@code _id} of one version of an object. */
    public String versionKey(String objectKey, String internalVersionId) {
        requireObjectKey(objectKey);
        Objects.requireNonNull(internalVersionId, "internalVersionId");
        if (internalVersionId.isEmpty()) {
            throw new IllegalArgumentException("internal version id must not be empty");
        }
        return versionPrefix + objectKey + VERSION_SEPARATOR + internalVersionId;
    }

    /** Parses a document {@code _id} of a bucket in this format. */
    public MetadataKey parse(String rawKey) {
        return MetadataKey.parse(rawKey, this);
    }

    private static void requireObjectKey(String objectKey) {
        Objects.requireNonNull(objectKey, "objectKey");
        if (objectKey.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
        if (objectKey.indexOf(VERSION_SEPARATOR) >= 0) {
            throw new IllegalArgumentException("object key must not contain the \\0 version separator");
        }
    }
}
