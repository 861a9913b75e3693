package io.backbeat.connect.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A bucket's replication configuration as CloudServer stores it.
 *
 * @param role the IAM role(s), comma-separated source and destination roles
 * @param destination the destination bucket ARN, {@code arn:aws:s3:::<bucket>}
 * @param rules the rules, in stored order
 */
public record ReplicationConfiguration(String role, String destination, List<ReplicationRule> rules) {

    public ReplicationConfiguration {
        role = role == null ? "" : role;
        destination = destination == null ? "" : destination;
        rules = List.copyOf(rules);
    }

    /** Reads {@code replicationConfiguration}; null for JSON null or absent. */
    static ReplicationConfiguration fromJson(JsonNode node) {
        if (MetadataJson.isNull(node)) {
            return null;
        }
        String f = "replicationConfiguration";
        if (!node.isObject()) {
            throw new InvalidMetadataException(f + " must be an object, got " + node.getNodeType());
        }
        List<ReplicationRule> rules = new ArrayList<>();
        JsonNode rulesNode = node.get("rules");
        if (!MetadataJson.isNull(rulesNode)) {
            if (!rulesNode.isArray()) {
                throw new InvalidMetadataException(f + ".rules must be an array, got " + rulesNode.getNodeType());
            }
            for (int i = 0; i < rulesNode.size(); i++) {
                JsonNode r = rulesNode.get(i);
                String where = f + ".rules[" + i + "]";
                if (!r.isObject()) {
                    throw new InvalidMetadataException(where + " must be an object, got " + r.getNodeType());
                }
                rules.add(new ReplicationRule(
                        MetadataJson.asText(r.get("id"), where + ".id"),
                        MetadataJson.asText(r.get("prefix"), where + ".prefix"),
                        MetadataJson.asBoolean(r.get("enabled"), where + ".enabled"),
                        MetadataJson.asText(r.get("storageClass"), where + ".storageClass")));
            }
        }
        return new ReplicationConfiguration(
                MetadataJson.asText(node.get("role"), f + ".role"),
                MetadataJson.asText(node.get("destination"), f + ".destination"),
                rules);
    }

    /** The rule CloudServer applies to a new write of this key: the first enabled rule whose prefix matches. */
    public Optional<ReplicationRule> ruleFor(String objectKey) {
        return rules.stream().filter(r -> r.appliesTo(objectKey)).findFirst();
    }

    /** The destination bucket name from {@link #destination()}. */
    public String destinationBucket() {
        int idx = destination.lastIndexOf(':');
        return idx < 0 ? destination : destination.substring(idx + 1);
    }
}
