package io.backbeat.connect.source;

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
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * The recorded CloudServer 8.8 trace ({@code shared/fixtures/cloudserver-8.8}) as the change events a
 * MongoDB server emits for it: insert/update/delete per oplog entry, with the exact post-image as
 * {@code fullDocument} (what {@code full.document=required} gives, and what updateLookup gives when the
 * stream keeps up).
 */
final class TraceEvents {

    private static final String RELATIVE = "shared/fixtures/cloudserver-8.8";

    /** One write statement of writes.jsonl. */
    record Write(int seq, String coll, String op, BsonDocument statement, List<BsonDocument> oplog,
            BsonDocument postImage) {
    }

    private TraceEvents() {
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
        throw new IllegalStateException("fixtures folder " + RELATIVE + " not found above " + start);
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
        Map<Integer, BsonDocument> post = new HashMap<>();
        for (String l : lines("postimages.jsonl")) {
            BsonDocument d = BsonDocument.parse(l);
            BsonValue img = d.get("postImage");
            post.put(d.getInt32("seq").getValue(), img == null || img.isNull() ? null : img.asDocument());
        }
        List<Write> out = new ArrayList<>();
        for (String l : lines("writes.jsonl")) {
            BsonDocument d = BsonDocument.parse(l);
            int seq = d.getInt32("seq").getValue();
            List<BsonDocument> oplog = new ArrayList<>();
            d.getArray("oplog").forEach(v -> oplog.add(v.asDocument()));
            out.add(new Write(seq, d.getString("coll").getValue(), d.getString("op").getValue(), d, oplog,
                    post.get(seq)));
        }
        return out;
    }

    /**
     * The change events of the trace.
     *
     * @param findAndModifyEvents also emit the update events of CloudServer's findAndModify statements (a real
     *     MongoDB journals them; the recorded oplog column does not list them)
     */
    static List<BsonDocument> events(boolean findAndModifyEvents) {
        List<BsonDocument> events = new ArrayList<>();
        for (Write w : writes()) {
            if (w.op().equals("findAndModify")) {
                if (findAndModifyEvents && w.postImage() != null) {
                    BsonDocument update = w.statement().getDocument("update");
                    events.add(event(w, "update", w.postImage().getString("_id").getValue(), w.postImage(),
                            updatedFields(update)));
                }
                continue;
            }
            for (BsonDocument o : w.oplog()) {
                String id = o.getString("_id").getValue();
                switch (o.getString("op").getValue()) {
                    case "i" -> events.add(event(w, "insert", id, w.postImage(), null));
                    case "u" -> events.add(event(w, "update", id, w.postImage(), updatedFields(w.statement().getDocument("u"))));
                    case "d" -> events.add(event(w, "delete", id, null, null));
                    default -> throw new IllegalStateException("unexpected oplog op " + o);
                }
            }
        }
        return events;
    }

    static BsonDocument event(Write w, String operationType, String id, BsonDocument fullDocument,
            BsonDocument updatedFields) {
        BsonDocument e = new BsonDocument("_id", new BsonDocument("_data", new BsonString(String.format("%08x", w.seq()))))
                .append("operationType", new BsonString(operationType))
                .append("clusterTime", new BsonTimestamp((int) (w.statement().getInt64("atMs").getValue() / 1000), w.seq()))
                .append("ns", new BsonDocument("db", new BsonString("metadata")).append("coll", new BsonString(w.coll())))
                .append("documentKey", new BsonDocument("_id", new BsonString(id)));
        if (!operationType.equals("delete")) {
            e.append("fullDocument", fullDocument == null ? BsonNull.VALUE : fullDocument);
        }
        if (updatedFields != null) {
            e.append("updateDescription", new BsonDocument("updatedFields", updatedFields)
                    .append("removedFields", new org.bson.BsonArray()));
        }
        return e;
    }

    private static BsonDocument updatedFields(BsonDocument update) {
        BsonDocument set = update.getDocument("$set").clone();
        set.remove("_id");
        return set;
    }

    static long atMs(int seq) {
        for (Write w : writes()) {
            if (w.seq() == seq) {
                BsonValue v = w.statement().get("atMs");
                return v instanceof BsonInt64 l ? l.getValue() : v.asNumber().longValue();
            }
        }
        throw new IllegalArgumentException("no seq " + seq);
    }
}
