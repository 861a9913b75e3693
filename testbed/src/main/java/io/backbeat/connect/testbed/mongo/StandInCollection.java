package io.backbeat.connect.testbed.mongo;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.ValueComparator;
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
    private static final Set<String> RANGE_OPERATORS = Set.of("$gt", "$gte", "$lt", "$lte");

    /**
     * Every document's position by {@code _id}, in the order the query matcher compares values: the ordered
     * {@code _id} index a real server has, for range queries ({@link #queryDocuments}). Guarded by itself.
     */
    private final NavigableMap<Object, Integer> idOrder = new TreeMap<>(ValueComparator.asc());

    StandInCollection(MongoDatabase database, String collectionName, CollectionOptions options,
                      CursorRegistry cursorRegistry) {
        super(database, collectionName, options, cursorRegistry);
    }

    /**
     * Uses an {@code _id} index where a real server would, and mongo-java-server (which takes an index only for a
     * query of exactly the index's keys, and no range) would scan the collection, making every read cost the size
     * of the bucket:
     * <ul>
     * <li>{@code _id} pinned to one value beside other conditions (CloudServer reads {@code {_id: key, $or: [not
     * being deleted]}} and updates {@code {_id: key, value.versionId: v}}): the document is found by its id;
     * <li>{@code _id} in a range ({@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}; a key's versions, a
     * listing): the documents are taken from the ordered {@code _id} index.
     * </ul>
     * Either way the whole query is then matched on the documents found, so the index only narrows the search.
     * A range comes back in {@code _id} order, as from a real server's index scan, unless {@code $natural} order
     * is asked for.
     */
    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                                         int batchSize, Document fieldSelector) {
        Object id = query.get("_id");
        boolean naturalOrder = orderBy != null && orderBy.containsKey("$natural"); // insertion order: a scan's
        if (id instanceof Document range && !range.isEmpty() && RANGE_OPERATORS.containsAll(range.keySet())
                && !naturalOrder) {
            List<Integer> positions;
            synchronized (idOrder) {
                positions = new ArrayList<>(idRange(idOrder, range).values());
            }
            return matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
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

    /**
     * The part of {@code index} within the bounds of {@code range} (range operators only). The tightest bound of
     * each side is taken first: views of views may not widen their parent. Values of other types may fall inside
     * (the matcher's order sorts types too); the query match that follows drops them.
     */
    static <V> NavigableMap<Object, V> idRange(NavigableMap<Object, V> index, Document range) {
        Object low = null;
        boolean lowInclusive = false;
        Object high = null;
        boolean highInclusive = false;
        java.util.Comparator<? super Object> order = index.comparator();
        for (String operator : range.keySet()) {
            Object bound = range.get(operator);
            switch (operator) {
                case "$gt", "$gte" -> {
                    boolean inclusive = operator.equals("$gte");
                    int c = low == null ? 1 : order.compare(bound, low);
                    if (c > 0 || c == 0 && !inclusive) {
                        low = bound;
                        lowInclusive = inclusive;
                    }
                }
                case "$lt", "$lte" -> {
                    boolean inclusive = operator.equals("$lte");
                    int c = high == null ? -1 : order.compare(bound, high);
                    if (c < 0 || c == 0 && !inclusive) {
                        high = bound;
                        highInclusive = inclusive;
                    }
                }
                default -> throw new IllegalArgumentException("not a range operator: " + operator);
            }
        }
        if (low != null && high != null) {
            int c = order.compare(low, high);
            if (c > 0 || c == 0 && !(lowInclusive && highInclusive)) {
                return new TreeMap<>(order);
            }
            return index.subMap(low, lowInclusive, high, highInclusive);
        }
        if (low != null) {
            return index.tailMap(low, lowInclusive);
        }
        return high == null ? index : index.headMap(high, highInclusive);
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
        Object id = document.get("_id");
        if (id != null) {
            synchronized (idOrder) {
                idOrder.put(id, position);
            }
        }
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
        if (!Objects.equals(oldDocument.get("_id"), newDocument.get("_id"))) {
            synchronized (idOrder) {
                idOrder.remove(oldDocument.get("_id"), position);
                idOrder.put(newDocument.get("_id"), position);
            }
        }
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
        if (removed != null) {
            synchronized (idOrder) {
                idOrder.remove(removed.get("_id"), position);
            }
        }
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
