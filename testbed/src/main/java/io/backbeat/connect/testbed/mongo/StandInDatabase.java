package io.backbeat.connect.testbed.mongo;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.backbeat.connect.testbed.mongo.ChangeEvent.Namespace;
import io.backbeat.connect.testbed.mongo.ChangeEvent.OperationType;

/** A memory database whose collections journal their writes, and which journals drops and renames. */
class StandInDatabase extends MemoryDatabase {

    // assigned after MemoryDatabase's constructor, which already opens collections: read it lazily
    private final ChangeEventLog journal;

    StandInDatabase(String databaseName, CursorRegistry cursorRegistry, ChangeEventLog journal) {
        super(databaseName, cursorRegistry);
        this.journal = journal;
    }

    ChangeEventLog journal() {
        return journal;
    }

    @Override
    protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
        return new StandInCollection(this, collectionName, options, cursorRegistry);
    }

    @Override
    public void dropCollection(String collectionName, Oplog oplog) {
        super.dropCollection(collectionName, oplog);
        if (journal != null && !ChangeStreamRequest.Scope.isInternal(getDatabaseName(), collectionName)) {
            journal.append(OperationType.DROP, new Namespace(getDatabaseName(), collectionName), null, null, null,
                    null);
        }
    }

    @Override
    public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
        Namespace from = new Namespace(collection.getDatabaseName(), collection.getCollectionName());
        super.moveCollection(oldDatabase, collection, newCollectionName);
        if (journal != null && !ChangeStreamRequest.Scope.isInternal(from.db(), from.coll())) {
            journal.append(OperationType.RENAME, from, null, null, null,
                    new Namespace(getDatabaseName(), newCollectionName));
        }
    }
}
