package io.backbeat.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Replays the recorded CloudServer writes ({@code writes.jsonl}) into a MongoDB server statement by statement,
 * as the README of the fixture says, checking each reply against the recorded one.
 */
final class TraceReplay {

    private TraceReplay() {
    }

    static void replay(MongoClient client) {
        for (TraceEvents.Write w : TraceEvents.writes()) {
            apply(client.getDatabase("metadata"), w);
        }
    }

    static void apply(MongoDatabase db, TraceEvents.Write w) {
        BsonDocument s = w.statement();
        BsonString coll = new BsonString(w.coll());
        BsonDocument reply = switch (w.op()) {
            case "update" -> db.runCommand(new BsonDocument("update", coll).append("updates", new BsonArray(List.of(
                    new BsonDocument("q", s.get("q")).append("u", s.get("u"))
                            .append("upsert", s.getBoolean("upsert"))))), BsonDocument.class);
            case "delete" -> db.runCommand(new BsonDocument("delete", coll).append("deletes", new BsonArray(List.of(
                    new BsonDocument("q", s.get("q")).append("limit", s.get("limit"))))), BsonDocument.class);
            case "findAndModify" -> {
                BsonDocument cmd = new BsonDocument("findAndModify", coll).append("query", s.get("query"));
                for (String k : List.of("update", "remove", "new", "upsert")) {
                    if (s.containsKey(k)) {
                        cmd.append(k, s.get(k));
                    }
                }
                yield db.runCommand(cmd, BsonDocument.class);
            }
            case "create" -> db.runCommand(new BsonDocument("create", coll), BsonDocument.class);
            default -> throw new IllegalStateException("unknown op " + w.op() + " at seq " + w.seq());
        };
        BsonDocument expected = s.getDocument("reply");
        for (String k : List.of("n", "nModified")) {
            BsonValue want = expected.get(k);
            if (want != null) {
                assertEquals(want.asNumber().intValue(), reply.get(k).asNumber().intValue(),
                        "reply field " + k + " of seq " + w.seq());
            }
        }
    }
}
