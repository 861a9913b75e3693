package io.backbeat.connect.smt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.MetadataJson;
import io.backbeat.connect.model.MetadataKey;
import io.backbeat.connect.model.ObjectMetadata;

/**
 * The log entries the source connector makes of the recorded CloudServer 8.8 trace
 * (/work/shared/fixtures/cloudserver-8.8): one entry per change event (one per line of postimages.jsonl),
 * in order. Kept small on purpose: internal collections and multipart shadow buckets are skipped, placeholder
 * (isPHD) masters are skipped, a document deleted with {@code deleted: true} gives a delete entry carrying
 * the metadata, a bare delete gives a delete entry without metadata unless the metadata entry was sent.
 */
final class FixtureEntries {

    /** {@code <repo>/../shared/fixtures/cloudserver-8.8}, or the folder named by -Dbackbeat.fixtures. */
    static final Path FIXTURES = fixturesDir();

    /** One derived entry and the trace statement it comes from. */
    record Derived(int seq, LogEntry entry) {
        /** A compact label for expected lists: seq, type, Kafka key, and M/V for the key kind. */
        String label() {
            String keyKind = entry.isBucket() ? "B" : entry.metadataKey().isMaster() ? "M" : "V";
            return seq + " " + entry.type().wireName() + " " + entry.kafkaKey() + " " + keyKind;
        }
    }

    private FixtureEntries() {
    }

    static List<Derived> derive() {
        Map<Integer, Long> atMs = new HashMap<>();
        for (JsonNode w : lines("writes.jsonl")) {
            atMs.put(w.get("seq").asInt(), w.get("atMs").asLong());
        }
        List<Derived> out = new ArrayList<>();
        Set<String> deletedWithMetadata = new HashSet<>();
        for (JsonNode event : lines("postimages.jsonl")) {
            int seq = event.get("seq").asInt();
            String coll = event.get("coll").asText();
            String id = event.get("_id").asText();
            JsonNode post = event.get("postImage");
            long time = atMs.get(seq);
            if (coll.equals("__metastore")) {
                if (!id.startsWith("mpuShadowBucket") && !id.equals("users..bucket") && !post.isNull()) {
                    out.add(new Derived(seq, LogEntry.bucket(LogEntry.Type.PUT, id,
                            MetadataJson.write(post.get("value")), time)));
                }
                continue;
            }
            if (coll.startsWith("__") || coll.startsWith("mpuShadowBucket") || coll.equals("PENSIEVE")) {
                continue;
            }
            MetadataKey key = MetadataKey.parse(id);
            if (post.isNull()) {
                if (!deletedWithMetadata.remove(coll + "/" + id)) {
                    out.add(new Derived(seq, LogEntry.object(LogEntry.Type.DELETE, coll, key.objectKey(),
                            key.externalVersionId(), id, null, time)));
                }
                continue;
            }
            String json = MetadataJson.write(post.get("value"));
            ObjectMetadata md = ObjectMetadata.parse(json);
            if (md.isPhd()) {
                continue;
            }
            String versionId = key.isVersion() ? key.externalVersionId() : md.externalVersionId();
            if (md.isDeleted()) {
                deletedWithMetadata.add(coll + "/" + id);
                out.add(new Derived(seq, LogEntry.object(LogEntry.Type.DELETE, coll, key.objectKey(), versionId, id,
                        json, time)));
            } else {
                out.add(new Derived(seq, LogEntry.object(LogEntry.Type.PUT, coll, key.objectKey(), versionId, id,
                        json, time)));
            }
        }
        return out;
    }

    private static Path fixturesDir() {
        String override = System.getProperty("backbeat.fixtures");
        if (override != null) {
            return Path.of(override);
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/fixtures/cloudserver-8.8");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("fixtures folder shared/fixtures/cloudserver-8.8 not found above " + start
                + " (set -Dbackbeat.fixtures=<folder>)");
    }

    private static List<JsonNode> lines(String file) {
        try {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : Files.readAllLines(FIXTURES.resolve(file))) {
                if (!line.isBlank()) {
                    nodes.add(MetadataJson.mapper().readTree(line));
                }
            }
            return nodes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + FIXTURES.resolve(file), e);
        }
    }
}
