package io.backbeat.connect.sink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.RedisClient;

import io.backbeat.connect.sink.failed.FailedEntryStore;
import io.backbeat.connect.sink.metrics.ReplicationSinkMetrics;
import io.backbeat.connect.sink.metrics.ReplicationStats;
import io.backbeat.connect.sink.replication.CloudServerMetadataReader;
import io.backbeat.connect.sink.replication.EntryProcessor;
import io.backbeat.connect.sink.replication.MongoMetadataReader;
import io.backbeat.connect.sink.replication.ObjectReplicator;
import io.backbeat.connect.sink.replication.ReplicaCheck;
import io.backbeat.connect.sink.replication.SuspectEntries;
import io.backbeat.connect.sink.replication.ReplicationEngine;
import io.backbeat.connect.sink.replication.SiteStats;
import io.backbeat.connect.sink.replication.SourceMetadataReader;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.s3.S3ClientFactory;
import io.backbeat.connect.sink.s3.S3Connection;
import io.backbeat.connect.sink.status.KafkaStatusPublisher;
import io.backbeat.connect.sink.status.StatusPublisher;

/**
 * Everything one replication task runs, built from its config and started: S3 connections to both sites,
 * the source metadata reader, the copy engine, the status producer and the failed-entry store. The task
 * is a thin shell over this; tests can drive it directly.
 */
public final class SiteReplication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SiteReplication.class);

    private final S3ReplicationSinkConfig config;
    private final ReplicationEngine engine;
    private final List<AutoCloseable> resources;
    private final ExecutorService partExecutor;

    private SiteReplication(S3ReplicationSinkConfig config, ReplicationEngine engine, ExecutorService partExecutor,
                            List<AutoCloseable> resources) {
        this.config = config;
        this.engine = engine;
        this.partExecutor = partExecutor;
        this.resources = resources;
    }

    /**
     * Builds and starts the replication of one task.
     *
     * @param dlq      the task's errant record reporter, or null
     * @param clientId client id of the status producer
     */
    public static SiteReplication start(S3ReplicationSinkConfig config, ErrantRecordReporter dlq, String clientId,
                                        ReplicationSinkMetrics metrics) {
        return start(config, dlq, new KafkaStatusPublisher(config, clientId), metrics);
    }

    /** Same as {@link #start(S3ReplicationSinkConfig, ErrantRecordReporter, String, ReplicationSinkMetrics)}. */
    public static SiteReplication start(S3ReplicationSinkConfig config, ErrantRecordReporter dlq, String clientId) {
        return start(config, dlq, clientId, new ReplicationSinkMetrics(config.site()));
    }

    /** With a given publisher and unregistered metrics. */
    public static SiteReplication start(S3ReplicationSinkConfig config, ErrantRecordReporter dlq,
                                        StatusPublisher publisher) {
        return start(config, dlq, publisher, new ReplicationSinkMetrics(config.site()));
    }

    /** With a given publisher; the task registers {@code metrics} (JMX, plugin metrics). */
    public static SiteReplication start(S3ReplicationSinkConfig config, ErrantRecordReporter dlq,
                                        StatusPublisher publisher, ReplicationSinkMetrics metrics) {
        List<AutoCloseable> resources = new ArrayList<>();
        resources.add(publisher);
        ExecutorService parts = null;
        try {
            S3Connection source = S3ClientFactory.connect(config.source());
            resources.add(source);
            S3Connection destination = S3ClientFactory.connect(config.destination());
            resources.add(destination);
            SourceMetadataReader reader = switch (config.metadataReader()) {
                case CLOUDSERVER -> new CloudServerMetadataReader(source, false);
                case MONGODB -> new MongoMetadataReader(config.mongoUri().value(), config.mongoDatabase());
                case ENTRY -> SourceMetadataReader.ENTRY;
            };
            resources.add(reader);
            FailedEntryStore store = null;
            ReplicationStats redisStats = null;
            if (config.redisUri() != null) {
                // one client for the failed entries and the replication counters; the store closes it
                RedisClient redis = RedisClient.create(java.net.URI.create(config.redisUri()));
                store = new FailedEntryStore(redis, config.redisKeyPrefix());
                resources.add(store);
                redisStats = new ReplicationStats(redis);
            }
            SiteStats stats = new SiteStats(metrics, redisStats, System::currentTimeMillis);
            Retrier retrier = new Retrier(config.retryPolicy());
            parts = Executors.newFixedThreadPool(config.partConcurrency(),
                    DaemonThreads.named("replication-" + config.site() + "-part"));
            ObjectReplicator replicator = new ObjectReplicator(source.s3(), destination.s3(), parts, retrier,
                    config.copySettings(), stats);
            ReplicaCheck replicaCheck = config.replicaCheck();
            EntryProcessor processor = new EntryProcessor(config.site(), config.destinationBucket(), reader,
                    replicator, retrier, config.rereadAlways(), replicaCheck);
            SuspectEntries suspects = config.suspectEntries();
            ReplicationEngine engine = new ReplicationEngine(processor, publisher, store, dlq, retrier,
                    config.concurrency(), stats, suspects);
            LOG.info("replication to site {} started: destination {} bucket {}, source {}, metadata reader {} "
                            + "(re-read {}), concurrency {}, part concurrency {}, replica check {}, suspect entries: {}, "
                            + "redis {}, dlq {}", config.site(),
                    config.destination(), config.destinationBucket() == null ? "(from entries)"
                            : config.destinationBucket(), config.source(), reader.name(),
                    config.rereadAlways() ? "always" : "suspect", config.concurrency(),
                    config.partConcurrency(), replicaCheck.configName(), suspects, store == null ? "off" : "on", dlq == null ? "off" : "on");
            return new SiteReplication(config, engine, parts, resources);
        } catch (RuntimeException e) {
            if (parts != null) {
                parts.shutdownNow();
            }
            closeAll(resources);
            throw e;
        }
    }

    public ReplicationEngine engine() {
        return engine;
    }

    public S3ReplicationSinkConfig config() {
        return config;
    }

    @Override
    public void close() {
        engine.close();
        partExecutor.shutdownNow();
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        // the publisher was added first so it closes last: it flushes the status events of finished entries
        for (AutoCloseable r : reversed) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", r.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
