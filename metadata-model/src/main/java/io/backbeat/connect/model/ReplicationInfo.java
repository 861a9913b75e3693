package io.backbeat.connect.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code replicationInfo} of an object version: global status, per-site backends and what is to be
 * replicated. Immutable; backed by the raw JSON so that fields this class does not know survive a
 * round-trip.
 */
public final class ReplicationInfo {

    private static final String STATUS = "status";
    private static final String BACKENDS = "backends";

    private final ObjectNode raw;
    private final ReplicationStatus status;
    private final List<ReplicationBackend> backends;
    private final List<String> content;

    private ReplicationInfo(ObjectNode raw) {
        this.raw = raw;
        this.status = ReplicationStatus.parse(MetadataJson.asText(raw.get(STATUS), "replicationInfo.status"));
        this.backends = readBackends(raw.get(BACKENDS));
        this.content = readStrings(raw.get("content"), "replicationInfo.content");
    }

    /** An empty replication info (nothing to replicate), as CloudServer writes it. */
    public static ReplicationInfo empty() {
        ObjectNode node = MetadataJson.newObject();
        node.put(STATUS, "");
        node.putArray(BACKENDS);
        node.putArray("content");
        node.put("destination", "");
        node.put("storageClass", "");
        node.put("role", "");
        node.put("storageType", "");
        node.put("dataStoreVersionId", "");
        node.putNull("isNFS");
        return new ReplicationInfo(node);
    }

    /**
     * Wraps a {@code replicationInfo} JSON value (a copy is taken). Null or JSON null gives {@link #empty()}.
     *
     * @throws InvalidMetadataException when the value is not an object or its fields are malformed
     */
    public static ReplicationInfo fromJson(JsonNode node) {
        if (MetadataJson.isNull(node)) {
            return empty();
        }
        if (!node.isObject()) {
            throw new InvalidMetadataException("replicationInfo must be a JSON object, got " + node.getNodeType());
        }
        return new ReplicationInfo(((ObjectNode) node).deepCopy());
    }

    /** Parses a {@code replicationInfo} JSON text. */
    public static ReplicationInfo parse(String json) {
        return new ReplicationInfo(MetadataJson.parseObject(json, "replicationInfo"));
    }

    /** Builds a pending replication info, as CloudServer does when a replication rule matches a write. */
    public static ReplicationInfo pending(List<String> sites, List<String> content, String destination,
            String role, String storageType) {
        if (sites == null || sites.isEmpty()) {
            throw new IllegalArgumentException("a pending replication info needs at least one site");
        }
        ObjectNode node = empty().raw.deepCopy();
        node.put(STATUS, ReplicationStatus.PENDING.name());
        ArrayNode array = node.putArray(BACKENDS);
        for (String site : sites) {
            ObjectNode b = array.addObject();
            b.put("site", site);
            b.put(STATUS, ReplicationStatus.PENDING.name());
            b.put("dataStoreVersionId", "");
        }
        ArrayNode c = node.putArray("content");
        content.forEach(c::add);
        node.put("destination", Objects.requireNonNull(destination, "destination"));
        node.put("storageClass", String.join(",", sites));
        node.put("role", role == null ? "" : role);
        node.put("storageType", storageType == null ? "" : storageType);
        return new ReplicationInfo(node);
    }

    /** Global status; null when CloudServer wrote "" (nothing to replicate). */
    public ReplicationStatus status() {
        return status;
    }

    /** Per-site states, in stored order. */
    public List<ReplicationBackend> backends() {
        return backends;
    }

    /** The state of one site, if the site is a target of this version. */
    public Optional<ReplicationBackend> backend(String site) {
        return backends.stream().filter(b -> b.site().equals(site)).findFirst();
    }

    /** What is to be replicated: DATA, METADATA, MPU, PUT_TAGGING, DELETE_TAGGING, … */
    public List<String> content() {
        return content;
    }

    /** Destination bucket ARN, {@code arn:aws:s3:::<bucket>} ("" when empty). */
    public String destination() {
        return text("destination");
    }

    /** The destination bucket name taken from {@link #destination()}; "" when there is none. */
    public String destinationBucket() {
        String d = destination();
        int idx = d.lastIndexOf(':');
        return idx < 0 ? d : d.substring(idx + 1);
    }

    /** Comma-separated target sites, e.g. {@code siteA,siteB}. */
    public String storageClass() {
        return text("storageClass");
    }

    /** The sites named in {@link #storageClass()}. */
    public List<String> storageClassSites() {
        List<String> sites = new ArrayList<>();
        for (String s : storageClass().split(",")) {
            if (!s.isBlank()) {
                sites.add(s.trim());
            }
        }
        return Collections.unmodifiableList(sites);
    }

    public String role() {
        return text("role");
    }

    public String storageType() {
        return text("storageType");
    }

    public String dataStoreVersionId() {
        return text("dataStoreVersionId");
    }

    /** True when the object was written through NFS (replicated from its master key). */
    public boolean isNfs() {
        return MetadataJson.asBoolean(raw.get("isNFS"), "replicationInfo.isNFS");
    }

    /** True when there is nothing to replicate (no status and no site). */
    public boolean isEmpty() {
        return status == null && backends.isEmpty();
    }

    /**
     * A copy with one site's status (and replica version id) changed and the global status recomputed.
     * COMPLETED is final for a site: a later status for a completed site leaves this info unchanged.
     *
     * @param dataStoreVersionId the replica's version id at the site; null keeps the current one
     * @throws IllegalArgumentException when the site is not a target of this version
     */
    public ReplicationInfo withSiteStatus(String site, ReplicationStatus newStatus, String dataStoreVersionId) {
        Objects.requireNonNull(newStatus, "status");
        ReplicationBackend current = backend(site).orElseThrow(() -> new IllegalArgumentException(
                "site \"" + site + "\" is not a replication target of this version (targets: "
                        + backends.stream().map(ReplicationBackend::site).toList() + ")"));
        if (current.status() == ReplicationStatus.COMPLETED) {
            return this;
        }
        String dsVid = dataStoreVersionId == null ? current.dataStoreVersionId() : dataStoreVersionId;
        ObjectNode copy = raw.deepCopy();
        for (JsonNode b : copy.withArray(BACKENDS)) {
            if (b.isObject() && site.equals(b.path("site").asText())) {
                ((ObjectNode) b).put(STATUS, newStatus.name());
                ((ObjectNode) b).put("dataStoreVersionId", dsVid);
            }
        }
        List<ReplicationStatus> statuses = new ArrayList<>();
        for (ReplicationBackend b : backends) {
            statuses.add(b.site().equals(site) ? newStatus : b.status());
        }
        copy.put(STATUS, globalStatus(statuses).name());
        return new ReplicationInfo(copy);
    }

    /**
     * The global status from the sites' statuses: any FAILED gives FAILED, else any site not COMPLETED
     * (PENDING, PROCESSING, or no status) gives PROCESSING, else COMPLETED.
     *
     * @throws IllegalArgumentException when there is no site status
     */
    public static ReplicationStatus globalStatus(Collection<ReplicationStatus> siteStatuses) {
        if (siteStatuses == null || siteStatuses.isEmpty()) {
            throw new IllegalArgumentException("global replication status needs at least one site status");
        }
        boolean pending = false;
        for (ReplicationStatus s : siteStatuses) {
            if (s == ReplicationStatus.FAILED) {
                return ReplicationStatus.FAILED;
            }
            // a site without status ("") is not done yet
            pending |= s != ReplicationStatus.COMPLETED;
        }
        if (pending) {
            return ReplicationStatus.PROCESSING;
        }
        return ReplicationStatus.COMPLETED;
    }

    /** The JSON value (a copy). */
    public ObjectNode toJsonNode() {
        return raw.deepCopy();
    }

    public String toJson() {
        return MetadataJson.write(raw);
    }

    private String text(String field) {
        String v = MetadataJson.asText(raw.get(field), "replicationInfo." + field);
        return v == null ? "" : v;
    }

    private static List<ReplicationBackend> readBackends(JsonNode node) {
        if (MetadataJson.isNull(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidMetadataException("replicationInfo.backends must be an array, got " + node.getNodeType());
        }
        List<ReplicationBackend> list = new ArrayList<>();
        int i = 0;
        for (JsonNode b : node) {
            String where = "replicationInfo.backends[" + i++ + "]";
            if (!b.isObject()) {
                throw new InvalidMetadataException(where + " must be an object, got " + b.getNodeType());
            }
            String site = MetadataJson.asText(b.get("site"), where + ".site");
            if (site == null || site.isEmpty()) {
                throw new InvalidMetadataException(where + ".site is missing");
            }
            list.add(new ReplicationBackend(site,
                    ReplicationStatus.parse(MetadataJson.asText(b.get(STATUS), where + ".status")),
                    MetadataJson.asText(b.get("dataStoreVersionId"), where + ".dataStoreVersionId")));
        }
        return List.copyOf(list);
    }

    static List<String> readStrings(JsonNode node, String field) {
        if (MetadataJson.isNull(node)) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidMetadataException(field + " must be an array, got " + node.getNodeType());
        }
        List<String> list = new ArrayList<>();
        for (JsonNode n : node) {
            list.add(MetadataJson.asText(n, field + "[]"));
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplicationInfo other && raw.equals(other.raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }

    @Override
    public String toString() {
        return "ReplicationInfo" + toJson();
    }
}
