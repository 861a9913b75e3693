package io.backbeat.connect.testbed.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.NoopOplog;
import io.backbeat.connect.testbed.mongo.ChangeEvent.OperationType;

/**
 * An {@code aggregate} command whose pipeline starts with {@code $changeStream}, validated the way MongoDB 5.0
 * validates it.
 *
 * @param scope                what the stream watches
 * @param updateLookup         {@code fullDocument: "updateLookup"}
 * @param resumeAfter          the {@code resumeAfter} token, or null
 * @param startAfter           the {@code startAfter} token, or null
 * @param startAtOperationTime the packed {@code startAtOperationTime}, or null
 * @param pipeline             the stages after {@code $changeStream}, or null when there are none
 * @param batchSize            size of the first batch
 */
record ChangeStreamRequest(Scope scope, boolean updateLookup, ResumeToken resumeAfter, ResumeToken startAfter,
                           Long startAtOperationTime, Aggregation pipeline, int batchSize) {

    /** The first batch size a server uses when the client names none. */
    static final int DEFAULT_FIRST_BATCH = 101;

    private static final Set<String> OPTIONS = Set.of(
            "resumeAfter", "startAfter", "startAtOperationTime", "fullDocument", "allChangesForCluster");
    private static final Set<String> PERMITTED_STAGES = Set.of(
            "$match", "$project", "$addFields", "$set", "$unset", "$replaceRoot", "$replaceWith", "$redact");
    private static final Set<String> INTERNAL_DATABASES = Set.of("admin", "local", "config");

    /**
     * What a stream watches: the whole cluster (db null), a database (coll null) or one collection.
     */
    record Scope(String db, String coll) {

        static boolean isInternal(String db, String coll) {
            return INTERNAL_DATABASES.contains(db) || (coll != null && coll.startsWith("system."));
        }

        boolean shows(ChangeEvent event) {
            if (db == null) {
                return true;
            }
            if (!db.equals(event.ns().db())) {
                return false;
            }
            // a collection stream learns of dropDatabase only through its invalidate
            return coll == null || coll.equals(event.ns().coll());
        }

        boolean invalidatedBy(ChangeEvent event) {
            if (db == null || !db.equals(event.ns().db())) {
                return false;
            }
            if (event.type() == OperationType.DROP_DATABASE) {
                return true;
            }
            return coll != null && coll.equals(event.ns().coll())
                    && (event.type() == OperationType.DROP || event.type() == OperationType.RENAME);
        }

        /** The namespace of the cursor in replies: {@code db.$cmd.aggregate} for db and cluster streams. */
        String cursorNamespace() {
            if (db == null) {
                return "admin.$cmd.aggregate";
            }
            return coll == null ? db + ".$cmd.aggregate" : db + "." + coll;
        }

        @Override
        public String toString() {
            return db == null ? "cluster" : coll == null ? "database " + db : "collection " + db + "." + coll;
        }
    }

    static boolean isChangeStream(Document command) {
        if (!(command.get("pipeline") instanceof List<?> pipeline) || pipeline.isEmpty()) {
            return false;
        }
        return pipeline.get(0) instanceof Document first && first.containsKey("$changeStream");
    }

    static ChangeStreamRequest parse(String db, Document command) {
        List<Document> pipeline = Aggregation.parse(command.get("pipeline"));
        if (!(pipeline.get(0).get("$changeStream") instanceof Document options)) {
            throw StandInErrors.badOption("the $changeStream stage specification must be an object, got "
                    + pipeline.get(0).get("$changeStream"));
        }
        for (String field : options.keySet()) {
            if (!OPTIONS.contains(field)) {
                throw StandInErrors.unknownOption(field);
            }
        }
        Scope scope = scope(db, command.get("aggregate"), Boolean.TRUE.equals(options.get("allChangesForCluster")));

        Object fullDocument = options.getOrDefault("fullDocument", "default");
        boolean updateLookup;
        if ("updateLookup".equals(fullDocument)) {
            updateLookup = true;
        } else if ("default".equals(fullDocument)) {
            updateLookup = false;
        } else {
            throw StandInErrors.badOption("unrecognized value for $changeStream.fullDocument: " + fullDocument
                    + " (MongoDB 5.0 accepts 'default' and 'updateLookup')");
        }

        long resumeOptions = Stream.of("resumeAfter", "startAfter", "startAtOperationTime")
                .filter(options::containsKey).count();
        if (resumeOptions > 1) {
            throw StandInErrors.multipleResumeOptions();
        }
        ResumeToken resumeAfter = options.containsKey("resumeAfter")
                ? ResumeToken.parse(options.get("resumeAfter"), "resumeAfter") : null;
        ResumeToken startAfter = options.containsKey("startAfter")
                ? ResumeToken.parse(options.get("startAfter"), "startAfter") : null;
        Long startAt = null;
        if (options.containsKey("startAtOperationTime")) {
            if (!(options.get("startAtOperationTime") instanceof BsonTimestamp ts)) {
                throw StandInErrors.badOption("$changeStream.startAtOperationTime must be a BSON timestamp, got "
                        + options.get("startAtOperationTime"));
            }
            startAt = ts.getValue();
        }

        return new ChangeStreamRequest(scope, updateLookup, resumeAfter, startAfter, startAt,
                stages(pipeline.subList(1, pipeline.size())), firstBatchSize(command));
    }

    private static Scope scope(String db, Object target, boolean allChangesForCluster) {
        boolean wholeDatabase = target instanceof Number number && number.intValue() == 1;
        if (!wholeDatabase && !(target instanceof String)) {
            throw StandInErrors.badOption("aggregate must name a collection or be 1 for a whole-database change "
                    + "stream, got " + target);
        }
        if (allChangesForCluster) {
            if (!"admin".equals(db) || !wholeDatabase) {
                throw StandInErrors.invalidNamespace("A $changeStream with 'allChangesForCluster:true' may only be "
                        + "opened on the 'admin' database, and with no collection name");
            }
            return new Scope(null, null);
        }
        if (INTERNAL_DATABASES.contains(db)) {
            throw StandInErrors.invalidNamespace("$changeStream may not be opened on the internal " + db
                    + " database");
        }
        if (wholeDatabase) {
            return new Scope(db, null);
        }
        String coll = (String) target;
        if (coll.startsWith("system.")) {
            throw StandInErrors.invalidNamespace("cannot open $changeStream for internal " + db + "." + coll
                    + " collection");
        }
        return new Scope(db, coll);
    }

    private static Aggregation stages(List<Document> stages) {
        if (stages.isEmpty()) {
            return null;
        }
        List<Document> translated = new ArrayList<>();
        for (Document stage : stages) {
            if (stage.size() != 1) {
                throw new MongoServerError(40323, "A pipeline stage specification object must contain exactly "
                        + "one field.");
            }
            Map.Entry<String, Object> only = stage.entrySet().iterator().next();
            String name = only.getKey();
            if (!PERMITTED_STAGES.contains(name)) {
                throw StandInErrors.stageNotPermitted(name);
            }
            // mongo-java-server knows these two stages under their older names
            if (name.equals("$set")) {
                translated.add(new Document("$addFields", only.getValue()));
            } else if (name.equals("$replaceWith")) {
                translated.add(new Document("$replaceRoot", new Document("newRoot", only.getValue())));
            } else {
                translated.add(stage);
            }
        }
        return Aggregation.fromPipeline(translated, null, null, null, NoopOplog.get());
    }

    private static int firstBatchSize(Document command) {
        if (!(command.get("cursor") instanceof Document cursor)) {
            throw new MongoServerError(9, "FailedToParse",
                    "The 'cursor' option is required, except for aggregate with the explain argument");
        }
        Object batchSize = cursor.get("batchSize");
        if (batchSize == null) {
            return DEFAULT_FIRST_BATCH;
        }
        if (!(batchSize instanceof Number number) || number.intValue() < 0) {
            throw StandInErrors.badOption("cursor.batchSize must be a non-negative number, got " + batchSize);
        }
        return number.intValue();
    }
}
