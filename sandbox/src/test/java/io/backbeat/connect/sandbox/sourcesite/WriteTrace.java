package io.backbeat.connect.sandbox.sourcesite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/** Write statements in one comparable shape, from the fixture's writes.jsonl or from recorded commands. */
final class WriteTrace {

    static final Path FIXTURE = Path.of(System.getProperty("cloudserver.fixture",
            "/work/shared/fixtures/cloudserver-8.8"));

    private WriteTrace() {
    }

    /** {coll, op, nStmts, ...statement}: the statement fields that matter, defaults made explicit. */
    static BsonDocument statement(String coll, String op, int nStmts, BsonDocument s) {
        BsonDocument d = new BsonDocument("coll", new BsonString(coll)).append("op", new BsonString(op))
                .append("nStmts", new BsonInt32(nStmts));
        switch (op) {
            case "update":
                d.append("q", s.get("q")).append("u", s.get("u"))
                        .append("upsert", s.getBoolean("upsert", BsonBoolean.FALSE));
                break;
            case "delete":
                d.append("q", s.get("q")).append("limit", new BsonInt32(s.get("limit").asNumber().intValue()));
                break;
            case "findAndModify":
                d.append("query", s.get("query")).append("update", s.get("update"))
                        .append("new", s.getBoolean("new", BsonBoolean.FALSE))
                        .append("remove", s.getBoolean("remove", BsonBoolean.FALSE))
                        .append("upsert", s.getBoolean("upsert", BsonBoolean.FALSE));
                break;
            case "create":
                break;
            default:
                throw new IllegalArgumentException("unexpected write op " + op);
        }
        return d;
    }

    static List<BsonDocument> fixture() throws IOException {
        List<BsonDocument> out = new ArrayList<>();
        for (String line : Files.readAllLines(FIXTURE.resolve("writes.jsonl"))) {
            if (line.isBlank()) {
                continue;
            }
            BsonDocument w = BsonDocument.parse(line);
            out.add(statement(w.getString("coll").getValue(), w.getString("op").getValue(),
                    w.getInt32("nStmts").getValue(), w));
        }
        return out;
    }

    static List<BsonDocument> recorded(List<BsonDocument> commands) {
        List<BsonDocument> out = new ArrayList<>();
        for (BsonDocument c : commands) {
            String op = c.getFirstKey();
            String coll = c.getString(op).getValue();
            switch (op) {
                case "update":
                case "delete": {
                    var stmts = c.getArray(op.equals("update") ? "updates" : "deletes");
                    for (BsonValue s : stmts) {
                        out.add(statement(coll, op, stmts.size(), s.asDocument()));
                    }
                    break;
                }
                case "findAndModify":
                    out.add(statement(coll, op, 1, c));
                    break;
                case "create":
                    out.add(statement(coll, op, 1, c));
                    break;
                default:
                    out.add(new BsonDocument("coll", new BsonString(coll)).append("op", new BsonString(op))
                            .append("unexpected", c));
            }
        }
        return out;
    }

    /** The _id a statement addresses. */
    static String targetId(BsonDocument stmt) {
        BsonDocument filter = stmt.containsKey("q") ? stmt.getDocument("q") : stmt.getDocument("query", null);
        return filter == null ? stmt.getString("coll").getValue() : filter.getString("_id").getValue();
    }
}
