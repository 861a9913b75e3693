package io.backbeat.connect.testbed.mongo;

import java.util.regex.Pattern;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.backbeat.connect.testbed.mongo.ChangeEvent.Namespace;
import io.backbeat.connect.testbed.mongo.ChangeEvent.OperationType;

/**
 * A memory collection that journals its effective writes.
 *
 * <p>The hooks sit at the storage level, below every command: an insert is journaled only once the unique
 * indexes accepted it (no event for a failed duplicate), an update only when the document really changed
 * (no event for a no-op), and findAndModify, upserts and deletes go through the same hooks as the plain
 * commands. All of them run under the collection's monitor, which orders them with the journal.
 */
class StandInCollection extends MemoryCollection {

    /** The update specification the current thread is applying (tells replace from update). */
    private static final ThreadLocal<Document> UPDATE_SPEC = new ThreadLocal<>();

    StandInCollection(MongoDatabase database, String collectionName, CollectionOptions options,
                      CursorRegistry cursorRegistry) {
        super(database, collectionName, options, cursorRegistry);
    }

    /**
     * Uses the {@code _id} index for a query that pins {@code _id} to one value beside other conditions (CloudServer
     * reads {@code {_id: key, $or: [not being deleted]}} and updates {@code {_id: key, value.versionId: v}}): the
     * document is found by its id and the whole query is matched on it alone. mongo-java-server takes an index only
     * for a query of exactly the index's keys and would otherwise scan the collection, which makes every read cost
     * the size of the bucket.
     */
    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                                         int batchSize, Document fieldSelector) {
        Object id = query.get("_id");
        if (query.size() > 1 && id != null && !(id instanceof Document) && !(id instanceof Pattern)) {
            Document byId = new Document("_id", id);
            for (Index<Integer> index : getIndexes()) {
                if (index.canHandle(byId)) {
                    return matchDocuments(query, index.getPositions(byId), orderBy, numberToSkip, limit, batchSize,
                            fieldSelector);
                }
            }
        }
        return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    @Override
    public synchronized Document updateDocuments(Document selector, Document updateQuery, ArrayFilters arrayFilters,
                                                 boolean isMulti, boolean isUpsert, Oplog oplog) {
        Document previous = UPDATE_SPEC.get();
        UPDATE_SPEC.set(updateQuery);
        try {
            return super.updateDocuments(selector, updateQuery, arrayFilters, isMulti, isUpsert, oplog);
        } finally {
            restore(previous);
        }
    }

    @Override
    public synchronized Document findAndModify(Document query) {
        Document previous = UPDATE_SPEC.get();
        UPDATE_SPEC.set(query.get("update") instanceof Document update ? update : null);
        try {
            return super.findAndModify(query);
        } finally {
            restore(previous);
        }
    }

    @Override
    protected Integer addDocumentInternal(Document document) {
        Integer position = super.addDocumentInternal(document);
        ChangeEventLog log = journal();
        if (log != null) {
            log.append(OperationType.INSERT, namespace(), UpdateDescriptions.copy(document.get("_id")),
                    document.cloneDeeply(), null, null);
        }
        return position;
    }

    @Override
    protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
        super.handleUpdate(position, oldDocument, newDocument);
        ChangeEventLog log = journal();
        if (log == null) {
            return;
        }
        Document spec = UPDATE_SPEC.get();
        Object id = UpdateDescriptions.copy(newDocument.get("_id"));
        if (spec != null && isReplacement(spec)) {
            log.append(OperationType.REPLACE, namespace(), id, newDocument.cloneDeeply(), null, null);
        } else {
            log.append(OperationType.UPDATE, namespace(), id, null,
                    UpdateDescriptions.describe(spec, oldDocument, newDocument), null);
        }
    }

    @Override
    protected void removeDocument(Integer position) {
        Document removed = getDocument(position);
        super.removeDocument(position);
        ChangeEventLog log = journal();
        if (log != null && removed != null) {
            log.append(OperationType.DELETE, namespace(), UpdateDescriptions.copy(removed.get("_id")), null, null,
                    null);
        }
    }

    /** The journal, or null for internal namespaces (and while the database is still being constructed). */
    private ChangeEventLog journal() {
        if (ChangeStreamRequest.Scope.isInternal(getDatabaseName(), getCollectionName())
                || !(getDatabase() instanceof StandInDatabase database)) {
            return null;
        }
        return database.journal();
    }

    private Namespace namespace() {
        return new Namespace(getDatabaseName(), getCollectionName());
    }

    private static boolean isReplacement(Document spec) {
        return !spec.isEmpty() && spec.keySet().stream().noneMatch(key -> key.startsWith("$"));
    }

    private static void restore(Document previous) {
        if (previous == null) {
            UPDATE_SPEC.remove();
        } else {
            UPDATE_SPEC.set(previous);
        }
    }
}
