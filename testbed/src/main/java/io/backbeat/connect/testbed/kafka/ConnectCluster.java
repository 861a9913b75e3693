package io.backbeat.connect.testbed.kafka;

import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.LocalPorts;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;

/**
 * A real Kafka cluster (KRaft, in this JVM) with real distributed Connect workers, over Kafka's own
 * {@link EmbeddedConnectCluster} (connect-runtime test jar), set up the way this project's tests need it:
 *
 * <ul>
 *   <li>{@code plugin.discovery=service_load}: plugins are found through {@code META-INF/services} only, on the
 *       class path and on {@code plugin.path}, as in production (a plugin missing from its services file fails
 *       here too);</li>
 *   <li>{@code scheduled.rebalance.max.delay.ms=5000} and a 6 s group session: tasks of a lost worker move
 *       within seconds, not the default 5 minutes;</li>
 *   <li>{@code offset.flush.interval.ms=1000}: committed offsets are visible quickly;</li>
 *   <li>{@code consumer.heartbeat.interval.ms=500}: when a sink connector's second task joins its consumer group,
 *       the first one hears of the rebalance within half a second instead of three;</li>
 *   <li>keys with {@code StringConverter} (our keys are {@code bucket/objectKey}), values with
 *       {@code JsonConverter} and schemas (as Kafka's shipped {@code connect-distributed.properties}); any
 *       connector can override both.</li>
 * </ul>
 *
 * <p>Share one cluster per test class (starting one takes a few seconds):
 * <pre>{@code
 * static ConnectCluster connect = ConnectCluster.builder().workers(2).start();
 * connect.configureConnector("crr-site-a", config);
 * connect.awaitRunning("crr-site-a", 1, Duration.ofSeconds(30));
 * }</pre>
 */
public final class ConnectCluster implements AutoCloseable {

    /** Worker settings this class sets unless the builder overrides them. */
    public static final Map<String, String> DEFAULT_WORKER_PROPS = Map.ofEntries(
            Map.entry("plugin.discovery", "service_load"),
            Map.entry("scheduled.rebalance.max.delay.ms", "5000"),
            Map.entry("session.timeout.ms", "6000"),
            Map.entry("heartbeat.interval.ms", "1000"),
            Map.entry("offset.flush.interval.ms", "1000"),
            Map.entry("consumer.heartbeat.interval.ms", "500"),
            Map.entry("key.converter", "org.apache.kafka.connect.storage.StringConverter"),
            Map.entry("value.converter", "org.apache.kafka.connect.json.JsonConverter"),
            Map.entry("value.converter.schemas.enable", "true"));

    private final String name;
    private final EmbeddedConnectCluster connect;
    private final Map<String, String> workerProps;
    private final List<WorkerProcess> processes = new ArrayList<>();

    private ConnectCluster(String name, EmbeddedConnectCluster connect, Map<String, String> workerProps) {
        this.name = name;
        this.connect = connect;
        this.workerProps = workerProps;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Kafka's cluster object, for what this wrapper does not cover. */
    public EmbeddedConnectCluster embedded() {
        return connect;
    }

    public EmbeddedKafkaCluster kafka() {
        return connect.kafka();
    }

    public String bootstrapServers() {
        return connect.kafka().bootstrapServers();
    }

    public String name() {
        return name;
    }

    /** The settings every worker of this cluster starts with (bootstrap servers and group included). */
    public Map<String, String> workerProps() {
        Map<String, String> props = new TreeMap<>(workerProps);
        props.put("bootstrap.servers", bootstrapServers());
        return props;
    }

    // ---- connectors, through the REST API of a running worker ----

    /**
     * Creates or updates a connector with {@code PUT /connectors/<name>/config}, exactly as a user would.
     *
     * @return the REST response body
     * @throws org.apache.kafka.connect.runtime.rest.errors.ConnectRestException with the worker's error message
     *     when the request is rejected (for example a validation error)
     */
    public String configureConnector(String connector, Map<String, String> config) {
        return connect.configureConnector(connector, config);
    }

    public void deleteConnector(String connector) {
        connect.deleteConnector(connector);
    }

    /** {@code GET /connectors/<name>/status}. */
    public ConnectorStateInfo status(String connector) {
        return connect.connectorStatus(connector);
    }

    /** Base URL of the REST API of one running worker, e.g. {@code http://localhost:40123/}. */
    public URI restUrl() {
        return connect.workers().stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("No Connect worker is running in cluster " + name))
                .url();
    }

    /** Waits until the connector and exactly {@code tasks} tasks are RUNNING. */
    public void awaitRunning(String connector, int tasks, Duration timeout) {
        Await.until(timeout, "connector " + connector + " and " + tasks + " task(s) RUNNING",
                () -> isRunning(status(connector), tasks), () -> describe(connector));
    }

    /** Waits until every task of the connector runs on one of the given workers (after a worker left). */
    public void awaitTasksOn(String connector, int tasks, Set<String> workerIds, Duration timeout) {
        Await.until(timeout, "connector " + connector + " with " + tasks + " RUNNING task(s) on " + workerIds,
                () -> {
                    ConnectorStateInfo info = status(connector);
                    return isRunning(info, tasks)
                            && info.tasks().stream().allMatch(t -> workerIds.contains(t.workerId()));
                }, () -> describe(connector));
    }

    /** Task id → id of the worker running it ({@code host:port} of its REST API). */
    public Map<Integer, String> taskWorkers(String connector) {
        return status(connector).tasks().stream()
                .collect(Collectors.toMap(ConnectorStateInfo.TaskState::id, ConnectorStateInfo.TaskState::workerId,
                        (a, b) -> a, TreeMap::new));
    }

    private static boolean isRunning(ConnectorStateInfo info, int tasks) {
        return "RUNNING".equals(info.connector().state())
                && info.tasks().size() == tasks
                && info.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
    }

    private String describe(String connector) {
        ConnectorStateInfo info = status(connector);
        StringBuilder text = new StringBuilder("connector ").append(info.connector().state())
                .append(" on ").append(info.connector().workerId());
        if (info.connector().trace() != null) {
            text.append(" (").append(firstLine(info.connector().trace())).append(')');
        }
        for (ConnectorStateInfo.TaskState task : info.tasks()) {
            text.append("; task ").append(task.id()).append(' ').append(task.state()).append(" on ")
                    .append(task.workerId());
            if (task.trace() != null) {
                text.append(" (").append(firstLine(task.trace())).append(')');
            }
        }
        return text.toString();
    }

    private static String firstLine(String trace) {
        int end = trace.indexOf('\n');
        return end < 0 ? trace : trace.substring(0, end);
    }

    // ---- workers ----

    /** The in-JVM workers currently running. */
    public Set<WorkerHandle> workers() {
        return connect.workers();
    }

    /** The id Connect reports for a worker in status responses ({@code host:port} of its REST API). */
    public static String workerId(WorkerHandle worker) {
        return workerId(worker.url());
    }

    static String workerId(URI url) {
        return url.getHost() + ":" + url.getPort();
    }

    /** The ids of all running workers, in-JVM and separate processes. */
    public Set<String> workerIds() {
        Set<String> ids = connect.workers().stream().map(ConnectCluster::workerId)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        processes.stream().filter(WorkerProcess::isAlive).map(WorkerProcess::workerId).forEach(ids::add);
        return ids;
    }

    /** Starts one more worker in this JVM and waits until it serves REST. */
    public WorkerHandle addWorker() {
        WorkerHandle worker = connect.addWorker();
        Await.until(Duration.ofSeconds(60), "new worker " + worker + " to be healthy", () -> connect.isHealthy(worker));
        return worker;
    }

    /** Stops a worker gracefully: it leaves the group and its tasks are re-assigned at once. */
    public void removeWorker(WorkerHandle worker) {
        connect.removeWorker(worker);
    }

    /**
     * Starts a worker of this cluster as a separate JVM (same class path, same settings), so that a test can
     * {@link WorkerProcess#kill() kill -9} it: the group notices only through the session timeout, as with a
     * crashed machine. Takes a few seconds more than {@link #addWorker()}.
     */
    public WorkerProcess startWorkerProcess(Duration timeout) {
        // under Surefire this is a manifest-only jar whose Class-Path lists the test class path: it works here too
        return startWorkerProcess(timeout, WorkerProcess.TEST_JVM_OPTIONS, System.getProperty("java.class.path"));
    }

    /** {@link #startWorkerProcess(Duration)} with JVM options and a class path of the caller's choosing. */
    public WorkerProcess startWorkerProcess(Duration timeout, List<String> jvmOptions, String classPath) {
        WorkerProcess process = WorkerProcess.start(name + "-process-" + (processes.size() + 1), workerProps(),
                LocalPorts.free(), jvmOptions, classPath, timeout);
        processes.add(process);
        return process;
    }

    // ---- topics and records ----

    public void createTopic(String topic, int partitions) {
        connect.kafka().createTopic(topic, partitions);
    }

    public void produce(String topic, String key, String value) {
        connect.kafka().produce(topic, key, value);
    }

    /**
     * Reads the topics from the beginning (fresh consumer group) until at least {@code count} records arrived.
     *
     * @throws AssertionError when fewer arrive within the timeout, naming how many did
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(int count, Duration timeout, String... topics) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = connect.kafka().consume(count, timeout.toMillis(),
                    Map.of("group.id", "testbed-consumer-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                    topics);
        } catch (RuntimeException e) {
            throw new AssertionError("Fewer than " + count + " records arrived on " + Arrays.toString(topics)
                    + " within " + timeout.toMillis() + " ms: " + e.getMessage(), e);
        }
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        records.forEach(list::add);
        return list;
    }

    /** Stops worker processes, workers and the Kafka cluster. */
    @Override
    public void close() {
        processes.forEach(WorkerProcess::kill);
        connect.stop();
    }

    @Override
    public String toString() {
        return "ConnectCluster[" + name + ", kafka=" + bootstrapServers() + ", workers=" + workerIds() + "]";
    }

    /** Builds and starts a {@link ConnectCluster}. */
    public static final class Builder {
        private String name = "testbed-" + UUID.randomUUID().toString().substring(0, 8);
        private int workers = 1;
        private final Map<String, String> workerProps = new LinkedHashMap<>(DEFAULT_WORKER_PROPS);
        private final Properties brokerProps = new Properties();
        private final List<Path> pluginPath = new ArrayList<>();

        private Builder() {
            // the first consumer group join should not wait the default 3 s for more members
            brokerProps.put("group.initial.rebalance.delay.ms", "0");
        }

        /** Prefix of the group id and internal topic names; random by default. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Number of in-JVM workers to start with (default 1). */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /** A worker setting for every worker (overrides the defaults of this class). */
        public Builder workerProp(String key, String value) {
            workerProps.put(key, value);
            return this;
        }

        /** A broker setting. */
        public Builder brokerProp(String key, String value) {
            brokerProps.put(key, value);
            return this;
        }

        /**
         * Adds a directory to the workers' {@code plugin.path} (e.g. where a test unzipped the bundle). With
         * service_load, the plugins there must list themselves in {@code META-INF/services}. Do not also have
         * the same plugin classes on the test class path, or Connect sees each plugin twice.
         */
        public Builder pluginPath(Path directory) {
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("plugin.path entry is not a directory: " + directory);
            }
            pluginPath.add(directory.toAbsolutePath());
            return this;
        }

        /** Starts the broker and the workers and waits until every worker serves REST. */
        public ConnectCluster start() {
            Map<String, String> props = new HashMap<>(workerProps);
            if (!pluginPath.isEmpty()) {
                props.put("plugin.path", pluginPath.stream().map(Path::toString).collect(Collectors.joining(",")));
            }
            props.putIfAbsent("group.id", name + "-connect");
            props.putIfAbsent("config.storage.topic", name + "-configs");
            props.putIfAbsent("offset.storage.topic", name + "-offsets");
            props.putIfAbsent("status.storage.topic", name + "-status");
            props.putIfAbsent("config.storage.replication.factor", "1");
            props.putIfAbsent("offset.storage.replication.factor", "1");
            props.putIfAbsent("status.storage.replication.factor", "1");
            EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder()
                    .name(name)
                    .numWorkers(workers)
                    .numBrokers(1)
                    .brokerProps(brokerProps)
                    .workerProps(new HashMap<>(props))
                    .maskExitProcedures(true)
                    .build();
            try {
                connect.start();
            } catch (RuntimeException e) {
                // a half-started cluster (broker up, a worker failed) must not outlive the failed test class
                try {
                    connect.stop();
                } catch (RuntimeException stopFailure) {
                    e.addSuppressed(stopFailure);
                }
                throw e;
            }
            ConnectCluster cluster = new ConnectCluster(name, connect, props);
            try {
                Await.until(Duration.ofSeconds(60), workers + " Connect worker(s) to be healthy",
                        () -> connect.workers().size() == workers && connect.allWorkersHealthy());
            } catch (AssertionError e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }
    }
}
