package io.backbeat.connect.ops;

import io.backbeat.connect.model.PluginVersion;
import io.backbeat.connect.ops.failed.FailedCrrService;
import io.backbeat.connect.ops.failed.KafkaRetryPublisher;
import io.backbeat.connect.ops.failed.SourceLookup;
import io.backbeat.connect.ops.health.HealthcheckService;
import io.backbeat.connect.ops.http.OpsResource;
import io.backbeat.connect.ops.metrics.CrrMetricsService;
import io.backbeat.connect.ops.metrics.PendingScanner;
import io.backbeat.connect.ops.pause.ConnectRestClient;
import io.backbeat.connect.ops.pause.PauseResumeService;
import io.backbeat.connect.ops.pause.ResumeSchedule;
import io.backbeat.connect.ops.sites.SiteConnectors;
import io.backbeat.connect.sink.failed.FailedEntryStore;
import io.backbeat.connect.sink.metrics.ReplicationStats;
import io.backbeat.connect.sink.s3.BackbeatRouteClient;
import io.backbeat.connect.sink.s3.S3ClientFactory;
import io.backbeat.connect.sink.s3.S3Connection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Backbeat's operations API on the Connect REST port. Enable it on every worker with
 * {@code rest.extension.classes=io.backbeat.connect.ops.BackbeatOpsRestExtension} and the
 * {@code backbeat.ops.*} worker properties ({@link OpsConfig}). Its routes sit behind whatever REST
 * authentication the worker has (e.g. Kafka's {@code BasicAuthSecurityRestExtension}: list it too).
 */
public class BackbeatOpsRestExtension implements ConnectRestExtension {

    private static final Logger log = LoggerFactory.getLogger(BackbeatOpsRestExtension.class);

    private OpsConfig config;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private ScheduledExecutorService scheduler;

    @Override
    public void configure(Map<String, ?> configs) {
        this.config = new OpsConfig(configs);
    }

    @Override
    public ConfigDef config() {
        return OpsConfig.CONFIG_DEF;
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        if (config == null) {
            throw new IllegalStateException("configure() must be called before register()");
        }
        Clock clock = Clock.systemUTC();
        Duration timeout = Duration.ofMillis(config.requestTimeoutMs());

        RedisClient redis = RedisClient.create(config.redisUri());
        closeables.push(redis);
        FailedEntryStore failedStore = new FailedEntryStore(redis, FailedEntryStore.DEFAULT_PREFIX);
        ReplicationStats stats = new ReplicationStats(redis);

        Map<String, Object> kafkaProps = config.kafkaClientProps();
        Admin admin = Admin.create(withClientId(kafkaProps, "backbeat-ops-admin"));
        closeables.push(() -> admin.close(Duration.ofSeconds(5)));
        EntryCodec codec = EntryCodec.fromConfig(config);
        closeables.push(codec);
        KafkaRetryPublisher publisher = new KafkaRetryPublisher(kafkaProps, codec, config.statusTopic(),
                config.metadataLogTopic(), timeout);
        closeables.push(publisher);

        Optional<SourceLookup> source = config.sourceS3().map(s3 -> {
            S3Connection connection = S3ClientFactory.connect(s3);
            closeables.push(connection);
            BackbeatRouteClient route = new BackbeatRouteClient(connection);
            return route::getMetadata;
        });
        if (source.isEmpty()) {
            log.warn("{}endpoint is not set: the failed-entry routes cannot read the source metadata and will answer 503",
                    OpsConfig.SOURCE_S3_PREFIX);
        }
        ExecutorService lookups = Executors.newFixedThreadPool(10, daemon("backbeat-ops-lookup"));
        closeables.push(lookups::shutdownNow);

        SiteConnectors sites = new SiteConnectors(context.clusterState(), config.siteConnectorClasses(),
                config.siteConfigKey());
        FailedCrrService failed = new FailedCrrService(failedStore, sites, source, publisher, lookups, clock);
        CrrMetricsService metrics = new CrrMetricsService(stats, failedStore, sites,
                new PendingScanner(admin, kafkaProps, codec, config.metadataLogTopic(), config.backlogMaxRecords(),
                        timeout), clock);
        ResumeSchedule schedule = new ResumeSchedule(redis);
        PauseResumeService pauseResume = new PauseResumeService(sites, new ConnectRestClient(timeout), schedule,
                Duration.ofMillis(config.resumeHourMs()), config.connectUrl(), config.listenerScheme(),
                config.connectAuthorization(), clock);
        HealthcheckService health = new HealthcheckService(admin, config.healthTopics(), context.clusterState(),
                redis::ping, timeout);

        context.configurable().register(new OpsResource(failed, metrics, pauseResume, health));

        String workerName = workerName();
        scheduler = Executors.newSingleThreadScheduledExecutor(daemon("backbeat-ops-resume-scheduler"));
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                pauseResume.fireDueResumes(workerName);
            } catch (RuntimeException e) {
                // Redis or Connect briefly away: the schedule stays in Redis and the next poll tries again
                log.warn("Scheduled resumes could not be checked: {}", e.toString());
            }
        }, config.resumePollIntervalMs(), config.resumePollIntervalMs(), TimeUnit.MILLISECONDS);
        log.info("Backbeat ops API registered under /_/ (worker {})", workerName);
    }

    @Override
    public void close() throws IOException {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", c, e.toString());
            }
        }
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }

    private String workerName() {
        Map<String, String> w = config.workerProps();
        String host = w.getOrDefault("rest.advertised.host.name", "");
        String port = w.getOrDefault("rest.advertised.port", "");
        return (host.isBlank() ? ManagementFactory.getRuntimeMXBean().getName() : host + ":" + port)
                + "#" + Integer.toHexString(System.identityHashCode(this));
    }

    private static Map<String, Object> withClientId(Map<String, Object> props, String clientId) {
        Map<String, Object> copy = new java.util.HashMap<>(props);
        copy.putIfAbsent("client.id", clientId);
        return copy;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
