package io.backbeat.connect.testbed;

import io.backbeat.connect.testbed.mongo.MongoStandIn;

import java.util.Optional;

/**
 * The MongoDB of an integration test: the in-process {@link MongoStandIn} (change streams like a replica set),
 * or, with the {@code real-infra} profile, the real replica set the user configured ({@link RealInfra#mongoUri()}).
 * Integration tests take their MongoDB from here, so the same test runs against both.
 */
public final class MongoTestServer implements AutoCloseable {

    private final MongoStandIn standIn;
    private final String connectionString;

    private MongoTestServer(MongoStandIn standIn, String connectionString) {
        this.standIn = standIn;
        this.connectionString = connectionString;
    }

    /** Starts a stand-in on a free port, or returns the configured real replica set. */
    public static MongoTestServer start() {
        return RealInfra.mongoUri()
                .map(uri -> new MongoTestServer(null, uri))
                .orElseGet(() -> {
                    MongoStandIn standIn = MongoStandIn.launch();
                    return new MongoTestServer(standIn, standIn.connectionString());
                });
    }

    /** The connection string clients use ({@code mongodb://…/?replicaSet=…}). */
    public String connectionString() {
        return connectionString;
    }

    /** True when this is a real MongoDB configured by the user. */
    public boolean isExternal() {
        return standIn == null;
    }

    /** The stand-in, for fault injection (restart, lost history); empty against a real MongoDB. */
    public Optional<MongoStandIn> standIn() {
        return Optional.ofNullable(standIn);
    }

    /** Stops the stand-in; a real MongoDB is left as it is. */
    @Override
    public void close() {
        if (standIn != null) {
            standIn.close();
        }
    }

    @Override
    public String toString() {
        return (isExternal() ? "MongoTestServer[external]" : "MongoTestServer[stand-in " + connectionString + "]");
    }
}
