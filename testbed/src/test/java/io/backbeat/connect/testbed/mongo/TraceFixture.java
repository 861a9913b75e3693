package io.backbeat.connect.testbed.mongo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The recorded CloudServer 8.8 trace ({@code <repo>/../shared/fixtures/cloudserver-8.8}, or the folder named
 * by the system property {@code backbeat.fixtures}).
 */
final class TraceFixture {

    private static final String RELATIVE = "shared/fixtures/cloudserver-8.8";

    /**
     * One statement of writes.jsonl with the {@code _id} and post-image of postimages.jsonl (both null when
     * the statement touched no document; post-image null: deleted).
     */
    record Write(int seq, String coll, String op, BsonDocument line, BsonValue documentId, BsonDocument postImage) {

        List<BsonDocument> oplog() {
            List<BsonDocument> entries = new ArrayList<>();
            line.getArray("oplog").forEach(v -> entries.add(v.asDocument()));
            return entries;
        }

        BsonDocument reply() {
            return line.getDocument("reply");
        }
    }

    private TraceFixture() {
    }

    static Path dir() {
        String override = System.getProperty("backbeat.fixtures");
        if (override != null) {
            return Paths.get(override);
        }
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("fixtures folder " + RELATIVE + " not found above " + start
                + " (set -Dbackbeat.fixtures=<folder>)");
    }

    static List<String> lines(String file) {
        try {
            return Files.readAllLines(dir().resolve(file), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Write> writes() {
        Map<Integer, BsonDocument> postImages = new HashMap<>();
        Map<Integer, BsonValue> ids = new HashMap<>();
        for (String line : lines("postimages.jsonl")) {
            BsonDocument entry = BsonDocument.parse(line);
            BsonValue image = entry.get("postImage");
            int seq = entry.getInt32("seq").getValue();
            postImages.put(seq, image == null || image.isNull() ? null : image.asDocument());
            ids.put(seq, entry.get("_id"));
        }
        List<Write> writes = new ArrayList<>();
        for (String text : lines("writes.jsonl")) {
            BsonDocument line = BsonDocument.parse(text);
            int seq = line.getInt32("seq").getValue();
            writes.add(new Write(seq, line.getString("coll").getValue(), line.getString("op").getValue(), line,
                    ids.get(seq), postImages.get(seq)));
        }
        return writes;
    }

    /** final-dump.json: collection name → documents (sorted by _id, as dumped). */
    static Map<String, List<BsonDocument>> finalDump() {
        BsonDocument dump;
        try {
            dump = BsonDocument.parse(Files.readString(dir().resolve("final-dump.json"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<BsonDocument>> collections = new HashMap<>();
        for (BsonValue c : dump.getArray("collections")) {
            List<BsonDocument> documents = new ArrayList<>();
            c.asDocument().getArray("documents").forEach(d -> documents.add(d.asDocument()));
            collections.put(c.asDocument().getString("name").getValue(), documents);
        }
        return collections;
    }
}
