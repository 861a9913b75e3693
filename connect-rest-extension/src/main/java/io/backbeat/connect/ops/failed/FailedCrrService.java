package io.backbeat.connect.ops.failed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backbeat.connect.model.InvalidMetadataException;
import io.backbeat.connect.model.KeyFormat;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationStatus;
import io.backbeat.connect.model.StatusEvent;
import io.backbeat.connect.ops.Json;
import io.backbeat.connect.ops.OpsException;
import io.backbeat.connect.ops.sites.SiteConnectors;
import io.backbeat.connect.sink.failed.FailedEntry;
import io.backbeat.connect.sink.failed.FailedEntryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * Backbeat's failed-CRR routes over the sink's Redis {@link FailedEntryStore}: list a site's failures (pages
 * of at most 100, newest first; versions gone from the source are left out), look one version up, and
 * retry: the entry is claimed in Redis (so two workers never retry it twice), a PENDING status event and a
 * retry entry (only this site pending) are published, and the response lists it with
 * {@code ReplicationStatus: PENDING}.
 */
public class FailedCrrService {

    private static final Logger log = LoggerFactory.getLogger(FailedCrrService.class);

    public static final int MAX_PAGE = 100;
    public static final int MAX_RETRY_ITEMS = 1000;

    private final FailedEntryStore store;
    private final SiteConnectors sites;
    private final Optional<SourceLookup> source;
    private final RetryPublisher publisher;
    private final ExecutorService lookups;
    private final Clock clock;

    public FailedCrrService(FailedEntryStore store, SiteConnectors sites, Optional<SourceLookup> source,
                            RetryPublisher publisher, ExecutorService lookups, Clock clock) {
        this.store = store;
        this.sites = sites;
        this.source = source;
        this.publisher = publisher;
        this.lookups = lookups;
        this.clock = clock;
    }

    /** {@code GET /_/crr/failed?sitename=&marker=&maxKeys=}. */
    public Map<String, Object> list(String sitename, String marker, String maxKeys) {
        if (sitename == null) {
            throw OpsException.badRequest("InvalidQueryParameter", "the sitename query parameter is required");
        }
        sites.requireKnown(sitename);
        long before = parseMarker(marker);
        int limit = parseMaxKeys(maxKeys);
        FailedEntryStore.Page page = store.list(sitename, clock.millis(), before, limit);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("IsTruncated", page.truncated());
        if (page.truncated()) {
            response.put("NextMarker", page.nextMarker());
        }
        response.put("Versions", describeExisting(page.entries()));
        return response;
    }

    /** {@code GET /_/crr/failed/<bucket>/<key>?versionId=}: the version's failures at every site. */
    public Map<String, Object> get(String bucket, String key, String versionId) {
        requireName("bucket", bucket);
        requireName("key", key);
        String version = versionId == null ? "" : versionId;
        long now = clock.millis();
        List<FailedEntry> found = new ArrayList<>();
        for (String site : sites.sites()) {
            store.find(site, bucket, key, version, now).ifPresent(found::add);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("IsTruncated", false);
        response.put("Versions", describeExisting(found));
        return response;
    }

    /** {@code POST /_/crr/failed} with {@code [{Bucket, Key, VersionId, StorageClass}, ...]}. */
    public List<Map<String, Object>> retry(String body) {
        List<FailedEntry> requested = parseRetryBody(body);
        List<Map<String, Object>> retried = new ArrayList<>();
        long now = clock.millis();
        for (FailedEntry wanted : requested) {
            Optional<FailedEntry> failed = store.find(wanted.site(), wanted.bucket(), wanted.key(), wanted.versionId(), now);
            if (failed.isEmpty()) {
                log.info("Retry of {} for site {} ignored: not a failed entry (already retried, or older than 24 h)",
                        wanted.member(), wanted.site());
                continue;
            }
            Optional<SourceVersion> version = readSource(failed.get());
            if (version.isPresent() && version.get().problem() != null) {
                // cannot build its retry entry; the others of the request still go (some may already have)
                log.error("Retry of {} for site {} not possible, it stays in the failed list: {}", wanted.member(),
                        wanted.site(), version.get().problem());
                continue;
            }
            Optional<ObjectMetadata> metadata = version.map(SourceVersion::metadata);
            if (metadata.isEmpty()) {
                // the source version is gone: nothing left to replicate, the failure is moot
                store.remove(wanted.site(), wanted.bucket(), wanted.key(), wanted.versionId(), now);
                log.info("Failed entry {} for site {} dropped: the source version no longer exists",
                        wanted.member(), wanted.site());
                continue;
            }
            LogEntry entry = retryEntry(failed.get(), metadata.get(), now);
            StatusEvent pending = pendingEvent(failed.get(), metadata.get());
            // claim: only the caller that removes the member retries it
            if (store.remove(wanted.site(), wanted.bucket(), wanted.key(), wanted.versionId(), now) == 0) {
                continue;
            }
            try {
                publisher.publish(pending, entry);
            } catch (RuntimeException e) {
                store.add(failed.get());
                throw OpsException.unavailable("Could not re-queue " + wanted.member() + " for site "
                        + wanted.site() + " (it stays in the failed list): " + e.getMessage(), e);
            }
            log.info("Failed entry {} re-queued for site {}", wanted.member(), wanted.site());
            Map<String, Object> item = describe(failed.get(), metadata.get());
            item.put("ReplicationStatus", ReplicationStatus.PENDING.name());
            retried.add(item);
        }
        return retried;
    }

    /**
     * The entries whose version still exists at the source, described from its metadata. A version whose metadata
     * cannot be parsed is listed anyway, without size and date and with an {@code Error} naming the problem: one
     * bad document must not hide the other failures from the operator. A source that cannot be reached fails the
     * whole request (503), as every entry would.
     */
    private List<Map<String, Object>> describeExisting(List<FailedEntry> entries) {
        List<CompletableFuture<Optional<Map<String, Object>>>> futures = new ArrayList<>();
        for (FailedEntry e : entries) {
            futures.add(CompletableFuture.supplyAsync(() -> describeOrFlag(e), lookups));
        }
        List<Map<String, Object>> versions = new ArrayList<>();
        for (CompletableFuture<Optional<Map<String, Object>>> f : futures) {
            try {
                f.join().ifPresent(versions::add);
            } catch (CompletionException ce) {
                if (ce.getCause() instanceof OpsException oe) {
                    throw oe;
                }
                throw OpsException.unavailable("Could not read the source metadata: " + ce.getCause(), ce.getCause());
            }
        }
        return versions;
    }

    private Optional<Map<String, Object>> describeOrFlag(FailedEntry e) {
        return readSource(e).map(version -> {
            if (version.problem() == null) {
                return describe(e, version.metadata());
            }
            log.warn("Failed entry {} of site {} listed without size and date: {}", e.member(), e.site(),
                    version.problem());
            Map<String, Object> v = identity(e);
            v.put("Error", version.problem());
            return v;
        });
    }

    /** A failed entry's version as found at the source: its metadata, or why that metadata cannot be used. */
    private record SourceVersion(ObjectMetadata metadata, String problem) {
    }

    /**
     * The version at the source; empty when it is gone (or is a delete). A source that cannot answer is a 503 for
     * the whole request; a document that cannot be parsed is that one version's problem.
     */
    private Optional<SourceVersion> readSource(FailedEntry e) {
        SourceLookup reader = source.orElseThrow(() -> OpsException.unavailable(
                "the source site is not configured (backbeat.ops.source.s3.endpoint): cannot read object metadata",
                null));
        Optional<String> json;
        try {
            json = reader.read(e.bucket(), e.key(), e.versionId().isEmpty() ? null : e.versionId());
        } catch (RuntimeException ex) {
            throw OpsException.unavailable("Could not read the source metadata of " + e.member() + ": "
                    + ex.getMessage(), ex);
        }
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            ObjectMetadata md = ObjectMetadata.parse(json.get());
            return md.isDeleted() ? Optional.empty() : Optional.of(new SourceVersion(md, null));
        } catch (InvalidMetadataException ex) {
            return Optional.of(new SourceVersion(null, "The source metadata of " + e.member() + " cannot be read: "
                    + ex.getMessage()));
        }
    }

    private static Map<String, Object> identity(FailedEntry e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Bucket", e.bucket());
        v.put("Key", e.key());
        if (!e.versionId().isEmpty()) {
            v.put("VersionId", e.versionId());
        }
        v.put("StorageClass", e.site());
        return v;
    }

    private static Map<String, Object> describe(FailedEntry e, ObjectMetadata md) {
        Map<String, Object> v = identity(e);
        v.put("Size", md.contentLength());
        Instant lastModified = md.lastModified();
        v.put("LastModified", lastModified == null ? null : lastModified.toString());
        return v;
    }

    /**
     * The entry to republish: the current source metadata with only this site's replication pending, and
     * the global status PENDING so the site's replication filter keeps it (Backbeat's retry entry).
     */
    static LogEntry retryEntry(FailedEntry e, ObjectMetadata md, long nowMs) {
        ObjectNode info = md.replicationInfo().toJsonNode();
        ArrayNode kept = Json.mapper().createArrayNode();
        for (JsonNode b : info.withArray("backends")) {
            if (b.isObject() && e.site().equals(b.path("site").asText())) {
                kept.add(((ObjectNode) b.deepCopy()).put("status", ReplicationStatus.PENDING.name()));
            }
        }
        if (kept.isEmpty()) {
            throw new OpsException(409, "NotReplicationTarget", "site " + e.site() + " is not a replication target of "
                    + e.member() + " (targets: " + md.replicationInfo().backends() + "): nothing to retry");
        }
        info.set("backends", kept);
        info.put("status", ReplicationStatus.PENDING.name());
        info.put("storageClass", e.site());
        ObjectMetadata retried = md.withReplicationInfo(ReplicationInfo.fromJson(info));
        String internal = md.versionId();
        String rawKey = internal == null ? KeyFormat.V0.masterKey(e.key()) : KeyFormat.V0.versionKey(e.key(), internal);
        return LogEntry.object(LogEntry.Type.PUT, e.bucket(), e.key(), md.externalVersionId(), rawKey,
                retried.toJson(), nowMs);
    }

    static StatusEvent pendingEvent(FailedEntry e, ObjectMetadata md) {
        Instant written = md.lastModified();
        return new StatusEvent(e.bucket(), e.key(), md.externalVersionId(), e.site(), ReplicationStatus.PENDING,
                null, null, 0, written == null ? 0 : written.toEpochMilli(), null, md.contentLength());
    }

    private List<FailedEntry> parseRetryBody(String body) {
        String msg = "The body of your POST request is not well-formed";
        if (body == null || body.isBlank()) {
            throw OpsException.badRequest("MalformedPOSTRequest", msg + ": body must be a non-empty array");
        }
        JsonNode node = Json.parseBody(body);
        if (!node.isArray() || node.isEmpty()) {
            throw OpsException.badRequest("MalformedPOSTRequest", msg + ": body must be a non-empty array");
        }
        if (node.size() > MAX_RETRY_ITEMS) {
            throw OpsException.badRequest("MalformedPOSTRequest", msg + ": at most " + MAX_RETRY_ITEMS
                    + " entries per request, got " + node.size());
        }
        Set<String> known = Set.copyOf(sites.sites());
        Set<FailedEntry> unique = new LinkedHashSet<>();
        int i = 0;
        for (JsonNode o : node) {
            String where = msg + ": entry " + i++;
            if (!o.isObject()) {
                throw OpsException.badRequest("MalformedPOSTRequest", where + " must be an object");
            }
            String bucket = requiredString(o, "Bucket", where);
            String key = requiredString(o, "Key", where);
            String site = requiredString(o, "StorageClass", where);
            JsonNode v = o.get("VersionId");
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw OpsException.badRequest("MalformedPOSTRequest", where + ": VersionId must be a string");
            }
            if (!known.contains(site)) {
                throw OpsException.badRequest("InvalidParameter", where + ": unknown site (StorageClass) '" + site
                        + "'; known sites: " + known);
            }
            try {
                // 0 = not a real score; only the identity matters here
                unique.add(new FailedEntry(site, bucket, key, v == null || v.isNull() ? "" : v.asText(), 0));
            } catch (IllegalArgumentException ex) {
                throw OpsException.badRequest("MalformedPOSTRequest", where + ": " + ex.getMessage());
            }
        }
        return List.copyOf(unique);
    }

    private static String requiredString(JsonNode o, String field, String where) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw OpsException.badRequest("MalformedPOSTRequest", where + ": " + field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw OpsException.badRequest("InvalidParameter", what + " must not be empty");
        }
    }

    static long parseMarker(String marker) {
        if (marker == null || marker.isEmpty()) {
            return 0;
        }
        if (!marker.matches("\\d{1,18}")) {
            throw OpsException.badRequest("InvalidQueryParameter", "marker must be a number (the NextMarker of a "
                    + "previous page), got '" + abbreviate(marker) + "'");
        }
        return Long.parseLong(marker);
    }

    static int parseMaxKeys(String maxKeys) {
        if (maxKeys == null || maxKeys.isEmpty()) {
            return MAX_PAGE;
        }
        if (!maxKeys.matches("\\d{1,9}")) {
            throw OpsException.badRequest("InvalidQueryParameter", "maxKeys must be a number between 1 and "
                    + MAX_PAGE + ", got '" + abbreviate(maxKeys) + "'");
        }
        int n = Integer.parseInt(maxKeys);
        if (n < 1 || n > MAX_PAGE) {
            throw OpsException.badRequest("InvalidQueryParameter", "maxKeys must be between 1 and " + MAX_PAGE
                    + " (pages hold at most " + MAX_PAGE + " entries), got " + n);
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
