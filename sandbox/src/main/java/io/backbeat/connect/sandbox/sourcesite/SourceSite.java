package io.backbeat.connect.sandbox.sourcesite;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded CloudServer-compatible source site: an S3 endpoint (AWS SigV4) that keeps object data in a
 * directory and writes bucket and object metadata into MongoDB exactly as CloudServer 8.8 does, plus
 * CloudServer's backbeat metadata routes. A test and demo fixture; see docs/source-site-emulator.md.
 *
 * <pre>{@code
 * try (SourceSite site = SourceSite.builder().mongoUri(uri).site("zenko").build().start()) {
 *     URI endpoint = site.endpoint();
 * }
 * }</pre>
 */
public final class SourceSite implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceSite.class);

    private final Builder config;
    private HttpServer server;
    private ExecutorService executor;
    private MongoClient mongo;
    private MetadataStore metadata;
    private Path dataDir;
    private boolean ownsDataDir;

    private SourceSite(Builder config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Connects to MongoDB, writes CloudServer's start-up entry if missing, and starts serving. */
    public synchronized SourceSite start() {
        if (server != null) {
            throw new IllegalStateException("the source site is already started");
        }
        try {
            dataDir = config.dataDir;
            if (dataDir == null) {
                dataDir = Files.createTempDirectory("source-site-data");
                ownsDataDir = true;
            }
            MongoClientSettings.Builder settings = MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(config.mongoUri));
            config.commandListeners.forEach(settings::addCommandListener);
            mongo = MongoClients.create(settings.build());
            Clock clock = config.clock;
            VersionIdSource ids = new VersionIdSource(config.replicationGroupId, config.instanceId,
                    clock::millis);
            metadata = new MetadataStore(mongo.getDatabase(config.database), ids, config.placeholderRepairDelay);
            String now = ObjectValues.jsDate(clock.instant());
            metadata.ensureUsersBucket(BucketValues.newBucket(MetadataStore.USERS_BUCKET, "admin", "admin", now,
                    null, UUID.randomUUID().toString(), false));
            SiteContext site = new SiteContext(metadata, new DataStore(dataDir),
                    new ReplicationPolicy(config.sites), clock, config.locationConstraint);
            Map<String, Account> accounts = new LinkedHashMap<>();
            config.accounts.forEach(a -> accounts.put(a.accessKey(), a));
            S3Router router = new S3Router(new RequestAuthenticator(accounts, clock), site);
            server = HttpServer.create(new InetSocketAddress(config.host, config.port), 64);
            AtomicInteger n = new AtomicInteger();
            executor = Executors.newFixedThreadPool(config.threads, r -> {
                Thread t = new Thread(r, "source-site-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.createContext("/", router);
            server.start();
            LOG.info("source site emulator listening on {} (MongoDB database {}, data in {})", endpoint(),
                    config.database, dataDir);
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start the source site emulator", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The S3 endpoint, {@code http://<host>:<port>} (use path-style addressing). */
    public URI endpoint() {
        if (server == null) {
            throw new IllegalStateException("the source site is not started");
        }
        return URI.create("http://" + config.host + ":" + server.getAddress().getPort());
    }

    public int port() {
        return endpoint().getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public List<Account> accounts() {
        return List.copyOf(config.accounts);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        if (metadata != null) {
            metadata.close();
            metadata = null;
        }
        if (mongo != null) {
            mongo.close();
            mongo = null;
        }
        if (ownsDataDir && dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.warn("could not remove the data directory {}", dataDir, e);
            }
            dataDir = null;
        }
    }

    /** Settings of a source site. Required: {@link #mongoUri(String)}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String mongoUri;
        private String database = "metadata";
        private final List<Account> accounts = new ArrayList<>();
        private String replicationGroupId = "RG001";
        private String instanceId = Long.toString(ProcessHandle.current().pid());
        private final Map<String, String> sites = new LinkedHashMap<>();
        private Path dataDir;
        private String locationConstraint = "us-east-1";
        private Clock clock = Clock.systemUTC();
        private Duration placeholderRepairDelay = Duration.ofSeconds(15);
        private int threads = 16;
        private final List<CommandListener> commandListeners = new ArrayList<>();

        private Builder() {
        }

        /** Listening address (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Listening port; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** MongoDB connection string of the metadata database's server (required). */
        public Builder mongoUri(String uri) {
            this.mongoUri = Objects.requireNonNull(uri, "mongoUri");
            return this;
        }

        /** Metadata database name (default {@code metadata}, as CloudServer). */
        public Builder database(String database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /** Adds an account; without any, CloudServer's default {@code accessKey1}/{@code verySecretKey1}. */
        public Builder account(Account account) {
            this.accounts.add(Objects.requireNonNull(account, "account"));
            return this;
        }

        /** The 7-character replication group id in version ids (default RG001). */
        public Builder replicationGroupId(String id) {
            Objects.requireNonNull(id, "replicationGroupId");
            if (id.isEmpty() || id.length() > 7) {
                throw new IllegalArgumentException("a replication group id has 1 to 7 characters, got '" + id + "'");
            }
            this.replicationGroupId = id;
            return this;
        }

        /** The instance part of version ids' info suffix (default: this process id). */
        public Builder instanceId(String id) {
            this.instanceId = Objects.requireNonNull(id, "instanceId");
            return this;
        }

        /** A CloudServer-type replication site (storage class name in replication rules). */
        public Builder site(String name) {
            return site(name, "");
        }

        /** A replication site with its location type ("" for CloudServer-type, else aws_s3, azure, gcp…). */
        public Builder site(String name, String storageType) {
            Objects.requireNonNull(name, "site");
            if (name.isBlank() || name.contains(",")) {
                throw new IllegalArgumentException("a site name is non-blank and has no comma: '" + name + "'");
            }
            sites.put(name, Objects.requireNonNull(storageType, "storageType"));
            return this;
        }

        /** Object data directory (default: a temporary directory removed on close). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** The location constraint of new buckets (default us-east-1). */
        public Builder locationConstraint(String location) {
            this.locationConstraint = Objects.requireNonNull(location, "locationConstraint");
            return this;
        }

        /** Clock for dates, version ids and signature checks (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Delay before a placeholder master is repaired (CloudServer: 15 s). */
        public Builder placeholderRepairDelay(Duration delay) {
            this.placeholderRepairDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** HTTP worker threads (default 16). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be positive");
            }
            this.threads = threads;
            return this;
        }

        /** Observes the MongoDB commands the site sends (conformance tests). */
        public Builder commandListener(CommandListener listener) {
            this.commandListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public SourceSite build() {
            if (mongoUri == null) {
                throw new IllegalStateException("a source site needs a MongoDB connection string (mongoUri)");
            }
            if (accounts.isEmpty()) {
                accounts.add(Account.CLOUDSERVER_DEFAULT);
            }
            Map<String, Account> byKey = new LinkedHashMap<>();
            for (Account a : accounts) {
                if (byKey.put(a.accessKey(), a) != null) {
                    throw new IllegalStateException("access key " + a.accessKey() + " is configured twice");
                }
            }
            return new SourceSite(this);
        }
    }
}
