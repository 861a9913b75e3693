package io.backbeat.connect.testbed.mongo;

import de.bwaldvogel.mongo.bson.Document;

/**
 * One recorded write, as the stand-in's journal keeps it (the counterpart of an oplog entry).
 *
 * <p>{@code clusterTime} is the packed BSON timestamp (seconds in the high 32 bits, increment in the low 32
 * bits); it is unique per event and strictly increasing in journal order, so it doubles as the position of
 * the event in every change stream.
 *
 * @param clusterTime       packed BSON timestamp of the write
 * @param wallTimeMs        wall clock of the write
 * @param type              what happened
 * @param ns                namespace written (for {@code dropDatabase} only the database)
 * @param documentId        {@code _id} of the written document (document events only)
 * @param document          the inserted or replacing document (insert and replace only; private copy)
 * @param updateDescription {@code {updatedFields, removedFields, truncatedArrays}} (update only)
 * @param to                the new namespace (rename only)
 */
record ChangeEvent(long clusterTime, long wallTimeMs, OperationType type, Namespace ns, Object documentId,
                   Document document, Document updateDescription, Namespace to) {

    /** A database (coll null) or a collection. */
    record Namespace(String db, String coll) {

        Document toDocument() {
            Document doc = new Document("db", db);
            if (coll != null) {
                doc.put("coll", coll);
            }
            return doc;
        }

        @Override
        public String toString() {
            return coll == null ? db : db + "." + coll;
        }
    }

    /** The {@code operationType} values a MongoDB 5.0 change stream produces. */
    enum OperationType {
        INSERT("insert"), UPDATE("update"), REPLACE("replace"), DELETE("delete"),
        DROP("drop"), RENAME("rename"), DROP_DATABASE("dropDatabase"), INVALIDATE("invalidate");

        private final String wireName;

        OperationType(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }
    }
}
