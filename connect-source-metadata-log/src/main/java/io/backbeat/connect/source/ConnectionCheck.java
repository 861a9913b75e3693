package io.backbeat.connect.source;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

/**
 * What {@code validate()} checks beyond the config shapes: the server answers, the database is CloudServer's
 * metadata database, and a change stream can be opened on it. Problems are returned by config key.
 */
final class ConnectionCheck {

    private ConnectionCheck() {
    }

    static Map<String, String> check(String uri, String database, int timeoutMs) {
        Map<String, String> errors = new LinkedHashMap<>();
        try {
            MongoConnections.parse(uri);
        } catch (IllegalArgumentException e) {
            errors.put(MetadataLogSourceConfig.MONGODB_URI, e.getMessage());
            return errors;
        }
        String hosts = MongoConnections.hosts(uri);
        try (MongoClient client = MongoConnections.open(uri, timeoutMs)) {
            MongoDatabase db = client.getDatabase(database);
            try {
                db.runCommand(new BsonDocument("ping", new BsonInt32(1)));
            } catch (MongoTimeoutException e) {
                errors.put(MetadataLogSourceConfig.MONGODB_URI, "cannot reach MongoDB at " + hosts + " within "
                        + timeoutMs + " ms (" + MetadataLogSourceConfig.MONGODB_TIMEOUT_MS + "): "
                        + MongoConnections.redact(firstLine(e.getMessage()), uri));
                return errors;
            } catch (MongoSecurityException e) {
                errors.put(MetadataLogSourceConfig.MONGODB_URI, "MongoDB at " + hosts + " refused the credentials: "
                        + MongoConnections.redact(firstLine(e.getMessage()), uri));
                return errors;
            }
            List<String> collections = db.listCollectionNames().into(new java.util.ArrayList<>());
            if (!collections.contains(BucketFilter.METASTORE)) {
                errors.put(MetadataLogSourceConfig.MONGODB_DATABASE, "database '" + database + "' on " + hosts
                        + " has no " + BucketFilter.METASTORE + " collection: it is not CloudServer's metadata "
                        + "database (or CloudServer never started on it)");
                return errors;
            }
            // A standalone server has no change streams (error 40573): say so on the URI.
            try (MongoCursor<?> c = db.watch(List.of(new BsonDocument("$match",
                    new BsonDocument("operationType", new org.bson.BsonString("none")))), BsonDocument.class)
                    .maxAwaitTime(1, TimeUnit.MILLISECONDS).cursor()) {
                c.tryNext();
            } catch (MongoCommandException e) {
                errors.put(MetadataLogSourceConfig.MONGODB_URI, "cannot open a change stream on database '"
                        + database + "' at " + hosts + " (a replica set or sharded cluster is required): "
                        + MongoConnections.redact(e.getErrorMessage(), uri) + " (code " + e.getErrorCode() + ")");
            }
        } catch (MongoException e) {
            errors.put(MetadataLogSourceConfig.MONGODB_URI, "MongoDB at " + hosts + " failed the connection check: "
                    + MongoConnections.redact(firstLine(e.getMessage()), uri));
        } catch (IllegalArgumentException e) {
            errors.put(MetadataLogSourceConfig.MONGODB_URI, MongoConnections.redact(e.getMessage(), uri));
        }
        return errors;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
