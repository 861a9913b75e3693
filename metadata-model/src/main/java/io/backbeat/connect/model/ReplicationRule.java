package io.backbeat.connect.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One rule of a bucket's replication configuration (CloudServer's stored form).
 *
 * @param id the rule id
 * @param prefix the key prefix the rule applies to ("" = every key)
 * @param enabled whether the rule is enabled
 * @param storageClass the target sites, comma-separated ({@code siteA,siteB})
 */
public record ReplicationRule(String id, String prefix, boolean enabled, String storageClass) {
    public ReplicationRule {
        prefix = prefix == null ? "" : prefix;
        storageClass = storageClass == null ? "" : storageClass;
    }

    /** True when the rule is enabled and its prefix matches the key. */
    public boolean appliesTo(String objectKey) {
        return enabled && Objects.requireNonNull(objectKey, "objectKey").startsWith(prefix);
    }

    /** The sites named in {@link #storageClass()}. */
    public List<String> sites() {
        List<String> sites = new ArrayList<>();
        for (String s : storageClass.split(",")) {
            if (!s.isBlank()) {
                sites.add(s.trim());
            }
        }
        return Collections.unmodifiableList(sites);
    }
}
