package io.backbeat.connect.sandbox.sourcesite;

import java.util.Objects;

/**
 * An S3 account of the source site: the access key pair requests are signed with, and the canonical id and
 * display name CloudServer writes as owner into bucket and object metadata.
 */
public record Account(String accessKey, String secretKey, String canonicalId, String displayName) {

    /** CloudServer's default test account ({@code accessKey1}/{@code verySecretKey1}, "Bart"). */
    public static final Account CLOUDSERVER_DEFAULT = new Account("accessKey1", "verySecretKey1",
            "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", "Bart");

    public Account {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(canonicalId, "canonicalId");
        Objects.requireNonNull(displayName, "displayName");
        if (accessKey.isBlank() || secretKey.isEmpty()) {
            throw new IllegalArgumentException("an account needs a non-empty access key and secret key");
        }
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "Account[accessKey=" + accessKey + ", displayName=" + displayName + "]";
    }
}
