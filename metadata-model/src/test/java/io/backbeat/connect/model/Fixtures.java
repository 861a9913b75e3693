package io.backbeat.connect.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonWriterSettings;

/** Finds and reads the recorded CloudServer 8.8 fixtures ({@code <repo>/../shared/fixtures/cloudserver-8.8}). */
final class Fixtures {

    static final JsonWriterSettings RELAXED = MetadataBson.RELAXED;
    private static final String RELATIVE = "shared/fixtures/cloudserver-8.8";

    private Fixtures() {
    }

    /** Walks up from the working directory until a folder holds {@code shared/fixtures/cloudserver-8.8}. */
    static Path dir() {
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("fixtures folder " + RELATIVE + " not found above " + start);
    }

    static String read(String name) {
        try {
            return Files.readString(dir().resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A document of the metadata database, with the collection it belongs to. */
    record StoredDoc(String source, String collection, BsonDocument document) {
        String relaxedJson() {
            return document.toJson(RELAXED);
        }

        String id() {
            return document.getString("_id").getValue();
        }

        BsonDocument value() {
            return document.getDocument("value");
        }

        @Override
        public String toString() {
            return source + " " + collection + " " + MetadataKey.printable(id());
        }
    }

    private static List<StoredDoc> finalDump;
    private static List<StoredDoc> postImages;

    /** Every document of final-dump.json (parsed once; do not modify). */
    static synchronized List<StoredDoc> finalDump() {
        if (finalDump == null) {
            finalDump = List.copyOf(readFinalDump());
        }
        return finalDump;
    }

    /** Every non-null post-image of postimages.jsonl, in order (parsed once; do not modify). */
    static synchronized List<StoredDoc> postImages() {
        if (postImages == null) {
            postImages = List.copyOf(readPostImages());
        }
        return postImages;
    }

    private static List<StoredDoc> readFinalDump() {
        BsonDocument dump = BsonDocument.parse(read("final-dump.json"));
        List<StoredDoc> docs = new ArrayList<>();
        for (BsonValue c : dump.getArray("collections")) {
            BsonDocument coll = c.asDocument();
            String name = coll.getString("name").getValue();
            for (BsonValue d : coll.getArray("documents")) {
                docs.add(new StoredDoc("final-dump", name, d.asDocument()));
            }
        }
        return docs;
    }

    private static List<StoredDoc> readPostImages() {
        List<StoredDoc> docs = new ArrayList<>();
        for (String line : read("postimages.jsonl").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            BsonDocument entry = BsonDocument.parse(line);
            BsonValue post = entry.get("postImage");
            if (post != null && post.isDocument()) {
                docs.add(new StoredDoc("postimages seq " + entry.get("seq").asNumber().intValue(),
                        entry.getString("coll").getValue(), post.asDocument()));
            }
        }
        return docs;
    }

    /** The post-image written by statement {@code seq}. */
    static StoredDoc postImage(int seq) {
        return postImages().stream()
                .filter(d -> d.source().equals("postimages seq " + seq))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no post-image with seq " + seq));
    }

    /** The final-dump document of a collection with that _id. */
    static StoredDoc finalDoc(String collection, String id) {
        return finalDump().stream()
                .filter(d -> d.collection().equals(collection) && d.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + collection + " " + MetadataKey.printable(id)));
    }
}
