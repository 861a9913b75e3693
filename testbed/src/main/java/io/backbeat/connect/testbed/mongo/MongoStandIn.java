package io.backbeat.connect.testbed.mongo;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import org.bson.BsonTimestamp;

import de.bwaldvogel.mongo.MongoServer;

/**
 * An in-process MongoDB stand-in whose change streams behave like those of a MongoDB 5.0 replica set.
 *
 * <p>It is mongo-java-server (memory backend) extended with a journal of every effective write: collection,
 * database and cluster-level {@code watch()} deliver {@code insert}, {@code update} (with
 * {@code updateDescription}), {@code replace}, {@code delete}, {@code drop}, {@code rename},
 * {@code dropDatabase} and {@code invalidate} events with {@code _id} resume token, {@code ns},
 * {@code documentKey}, {@code clusterTime}, {@code wallTime} and {@code fullDocument} (updateLookup resolved
 * when read), resume with {@code resumeAfter}/{@code startAfter}/{@code startAtOperationTime}, run the
 * client's {@code $match}/projection stages server-side, and wait for events like awaitData. The server
 * presents itself as the primary of a one-member replica set, so drivers connect in replica-set mode.
 *
 * <p>For fault injection: {@link #stop()}/{@link #start()}/{@link #restart()} keep data and history (only
 * cursors and connections are lost, as in a real restart), and {@link #truncateHistoryBefore(BsonTimestamp)}
 * simulates an oplog that rolled over, so resuming from a lost position fails with ChangeStreamHistoryLost
 * (code 286). What is and is not faithful is listed in docs/testing.md ("MongoDB stand-in").
 *
 * <pre>{@code
 * try (MongoStandIn mongo = MongoStandIn.launch();
 *      MongoClient client = MongoClients.create(mongo.connectionString())) { ... }
 * }</pre>
 */
public final class MongoStandIn implements AutoCloseable {

    /** Host the stand-in listens on; {@code hello} reports it, so clients must use exactly this form. */
    public static final String HOST = "127.0.0.1";

    /** Default of {@link Builder#historyLimit(int)}. */
    public static final int DEFAULT_HISTORY_LIMIT = 50_000;

    private static final Duration BIND_RETRY = Duration.ofSeconds(10);

    private final StandInBackend backend;
    private final ChangeEventLog journal;
    private final String replicaSetName;
    private volatile int port;
    private MongoServer server;
    private boolean closed;

    private MongoStandIn(Builder builder) {
        this.replicaSetName = builder.replicaSetName;
        this.port = builder.port;
        this.journal = new ChangeEventLog(builder.clock, builder.historyLimit);
        this.backend = new StandInBackend(journal, replicaSetName, this::hostAndPort,
                builder.defaultAwaitTime.toMillis(), builder.clock);
    }

    /** Starts a stand-in on a free port with the defaults. */
    public static MongoStandIn launch() {
        return builder().launch();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a stand-in. */
    public static final class Builder {
        private int port;
        private String replicaSetName = "rs0";
        private Duration defaultAwaitTime = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();
        private int historyLimit = DEFAULT_HISTORY_LIMIT;

        private Builder() {
        }

        /** Port to listen on; 0 (the default) picks a free one, kept across restarts. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Replica-set name reported by {@code hello} (default {@code rs0}). */
        public Builder replicaSetName(String replicaSetName) {
            if (replicaSetName == null || replicaSetName.isBlank()) {
                throw new IllegalArgumentException("replica set name must not be empty");
            }
            this.replicaSetName = replicaSetName;
            return this;
        }

        /**
         * How long a change-stream {@code getMore} waits for events when the client sets no
         * {@code maxAwaitTime} (a real server waits 1 s, the default).
         */
        public Builder defaultAwaitTime(Duration defaultAwaitTime) {
            if (defaultAwaitTime == null || defaultAwaitTime.isNegative()) {
                throw new IllegalArgumentException("default await time must be zero or positive, got "
                        + defaultAwaitTime);
            }
            this.defaultAwaitTime = defaultAwaitTime;
            return this;
        }

        /**
         * Events kept in history, like the size of a real oplog (default {@value MongoStandIn#DEFAULT_HISTORY_LIMIT}). Once
         * it is exceeded by a tenth the oldest events are cut, and streams that lag behind the cut fail with
         * ChangeStreamHistoryLost. Every event holds a copy of its document, so this also bounds memory.
         */
        public Builder historyLimit(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("history limit must be at least 1 event, got " + events);
            }
            this.historyLimit = events;
            return this;
        }

        /** Clock for cluster times and wall times (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public MongoStandIn launch() {
            MongoStandIn standIn = new MongoStandIn(this);
            standIn.start();
            return standIn;
        }
    }

    /** {@code mongodb://127.0.0.1:<port>/?replicaSet=<name>}: what a client of a replica set uses. */
    public String connectionString() {
        return "mongodb://" + hostAndPort() + "/?replicaSet=" + replicaSetName;
    }

    /** {@code 127.0.0.1:<port>}, as {@code hello} reports it. */
    public String hostAndPort() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public String replicaSetName() {
        return replicaSetName;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Starts listening again (on the same port) after {@link #stop()}. Data and history are as they were.
     *
     * @throws IllegalStateException when closed, or when the port stays taken for 10 s
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the MongoDB stand-in is closed");
        }
        if (server != null) {
            return;
        }
        long deadline = System.nanoTime() + BIND_RETRY.toNanos();
        while (true) {
            MongoServer candidate = new MongoServer(backend);
            try {
                candidate.bind(new InetSocketAddress(HOST, port));
                server = candidate;
                port = candidate.getLocalAddress().getPort();
                return;
            } catch (RuntimeException e) {
                if (port == 0 || System.nanoTime() > deadline) {
                    throw new IllegalStateException("MongoDB stand-in cannot listen on " + hostAndPort(), e);
                }
                sleepQuietly();
            }
        }
    }

    /**
     * Stops listening and drops every connection and cursor, like a crashed or restarted server; data and
     * change-stream history are kept for {@link #start()}.
     */
    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** {@link #stop()} then {@link #start()}. */
    public void restart() {
        stop();
        start();
    }

    /** The newest cluster time (what replies report as {@code operationTime}). */
    public BsonTimestamp clusterTime() {
        return new BsonTimestamp(journal.clusterTime());
    }

    /**
     * Simulates an oplog that rolled over: events older than {@code time} are gone. Afterwards, a change
     * stream that needs any of them (resume token or {@code startAtOperationTime} before {@code time}, or an
     * open cursor that had not read that far) fails with ChangeStreamHistoryLost (286), as on a real server.
     *
     * @return how many events were dropped
     */
    public int truncateHistoryBefore(BsonTimestamp time) {
        Objects.requireNonNull(time, "time");
        return journal.truncateBefore(time.getValue());
    }

    /**
     * Drops all history written so far: only a stream that had read everything can go on.
     *
     * @return how many events were dropped
     */
    public int truncateHistory() {
        return journal.truncateAll();
    }

    /** Number of events still in history. */
    public int historySize() {
        return journal.size();
    }

    /** Stops the server and frees its data. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        backend.release();
    }

    @Override
    public String toString() {
        return "MongoStandIn[" + connectionString() + (isRunning() ? "" : ", stopped") + "]";
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the port", e);
        }
    }
}
