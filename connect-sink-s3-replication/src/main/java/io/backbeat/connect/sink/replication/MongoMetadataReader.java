package io.backbeat.connect.sink.replication;

import java.util.Optional;

import org.bson.BsonBoolean;
import org.bson.BsonDocument;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;

/**
 * Reads source metadata straight from CloudServer's MongoDB: the document whose {@code _id} is the entry's
 * raw key, in the collection named after the bucket.
 */
public final class MongoMetadataReader implements SourceMetadataReader {

    private final MongoClient client;
    private final MongoDatabase database;

    public MongoMetadataReader(String uri, String database) {
        this.client = MongoClients.create(uri);
        this.database = client.getDatabase(database);
    }

    @Override
    public Optional<ObjectMetadata> read(LogEntry entry) {
        BsonDocument doc = database.getCollection(entry.bucket(), BsonDocument.class)
                .find(Filters.eq("_id", entry.rawKey())).first();
        if (doc == null) {
            return Optional.empty();
        }
        if (!(doc.get("value") instanceof BsonDocument value)) {
            throw new IllegalStateException("metadata document " + entry.bucket() + "/" + entry.rawKey()
                    + " has no 'value' object");
        }
        if (value.get("deleted") instanceof BsonBoolean deleted && deleted.getValue()) {
            // the first write of CloudServer's three-step delete: the version is on its way out
            return Optional.empty();
        }
        return Optional.of(ObjectMetadata.fromBson(value));
    }

    @Override
    public String name() {
        return "mongodb";
    }

    @Override
    public void close() {
        client.close();
    }
}
