package io.backbeat.connect.source;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.util.concurrent.TimeUnit;

/** The one place where the connector builds MongoDB clients, and keeps passwords out of messages. */
final class MongoConnections {

    private MongoConnections() {
    }

    /**
     * Parses the connection string.
     *
     * @throws IllegalArgumentException with a message that never contains the password
     */
    static ConnectionString parse(String uri) {
        try {
            return new ConnectionString(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid MongoDB connection string: " + redact(e.getMessage(), uri));
        }
    }

    static MongoClient open(String uri, int timeoutMs) {
        ConnectionString cs = parse(uri);
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(cs)
                .applicationName(cs.getApplicationName() != null ? cs.getApplicationName() : "backbeat-connect-source")
                .applyToClusterSettings(b -> b.serverSelectionTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .build();
        return MongoClients.create(settings);
    }

    /** The servers a connection string names, for messages (no credentials). */
    static String hosts(String uri) {
        try {
            return String.join(",", new ConnectionString(uri).getHosts());
        } catch (RuntimeException e) {
            return "(unparseable connection string)";
        }
    }

    /** Removes the connection string's user info from a message (drivers sometimes echo the input). */
    static String redact(String message, String uri) {
        if (message == null) {
            return "";
        }
        String out = message;
        if (uri != null) {
            int scheme = uri.indexOf("://");
            int at = uri.lastIndexOf('@');
            if (scheme >= 0 && at > scheme) {
                String userInfo = uri.substring(scheme + 3, at);
                out = out.replace(userInfo, "****");
                int colon = userInfo.indexOf(':');
                if (colon >= 0 && colon + 1 < userInfo.length()) {
                    out = out.replace(userInfo.substring(colon + 1), "****");
                }
            }
            out = out.replace(uri, "****");
        }
        return out;
    }
}
