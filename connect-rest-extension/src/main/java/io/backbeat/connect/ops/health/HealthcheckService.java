package io.backbeat.connect.ops.health;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.apache.kafka.connect.health.TaskState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /_/healthcheck}: Backbeat's shape ({@code topics} with partitions, leader, replicas, in-sync
 * replicas; {@code internalConnections}) extended with what a Connect deployment has: the brokers, Redis,
 * every connector and task state. {@link Report#healthy()} is false when a broker cannot be reached, a topic
 * is missing or has a partition without leader or in-sync replica, Redis does not answer, or a connector or
 * task is FAILED.
 */
public class HealthcheckService {

    private final Admin admin;
    private final List<String> topics;
    private final ConnectClusterState cluster;
    private final Runnable redisPing;
    private final Duration timeout;

    public HealthcheckService(Admin admin, List<String> topics, ConnectClusterState cluster, Runnable redisPing,
                              Duration timeout) {
        this.admin = admin;
        this.topics = topics;
        this.cluster = cluster;
        this.redisPing = redisPing;
        this.timeout = timeout;
    }

    public Report check() {
        boolean healthy = true;
        Map<String, Object> connections = new LinkedHashMap<>();
        Map<String, Object> topicsOut = new LinkedHashMap<>();

        Map<String, Object> kafka = new LinkedHashMap<>();
        try {
            DescribeClusterResult cl = admin.describeCluster();
            Collection<Node> nodes = cl.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            kafka.put("status", "ok");
            kafka.put("clusterId", cl.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            kafka.put("brokers", nodes.stream().map(n -> n.host() + ":" + n.port()).sorted().toList());
        } catch (Exception e) {
            healthy = false;
            kafka.put("status", "error");
            kafka.put("error", message(e));
        }

        String isrHealth = "ok";
        if ("ok".equals(kafka.get("status"))) {
            for (String topic : topics) {
                try {
                    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                    List<Map<String, Object>> partitions = new ArrayList<>();
                    for (TopicPartitionInfo p : d.partitions()) {
                        Map<String, Object> po = new LinkedHashMap<>();
                        po.put("id", p.partition());
                        po.put("leader", p.leader() == null ? null : p.leader().id());
                        po.put("replicas", p.replicas().stream().map(Node::id).toList());
                        po.put("isrs", p.isr().stream().map(Node::id).toList());
                        partitions.add(po);
                        if (p.leader() == null || p.isr().isEmpty()) {
                            healthy = false;
                            isrHealth = "error";
                        } else if (p.isr().size() < p.replicas().size() && !"error".equals(isrHealth)) {
                            isrHealth = "degraded";
                        }
                    }
                    topicsOut.put(topic, Map.of("name", topic, "partitions", partitions));
                } catch (Exception e) {
                    healthy = false;
                    isrHealth = "error";
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    topicsOut.put(topic, Map.of("name", topic, "error",
                            cause instanceof UnknownTopicOrPartitionException ? "topic does not exist" : message(e)));
                }
            }
        } else {
            isrHealth = "error";
        }
        connections.put("isrHealth", isrHealth);
        connections.put("kafka", kafka);

        Map<String, Object> redis = new LinkedHashMap<>();
        try {
            redisPing.run();
            redis.put("status", "ok");
        } catch (RuntimeException e) {
            healthy = false;
            redis.put("status", "error");
            redis.put("error", message(e));
        }
        connections.put("redis", redis);

        Map<String, Object> connectors = new TreeMap<>();
        boolean connectorsOk = true;
        for (String name : cluster.connectors()) {
            ConnectorHealth h;
            try {
                h = cluster.connectorHealth(name);
            } catch (RuntimeException e) {
                continue; // deleted meanwhile
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("state", h.connectorState().state());
            c.put("worker", h.connectorState().workerId());
            Map<String, Object> tasks = new TreeMap<>();
            for (Map.Entry<Integer, TaskState> t : h.tasksState().entrySet()) {
                tasks.put(Integer.toString(t.getKey()), t.getValue().state());
                if ("FAILED".equals(t.getValue().state())) {
                    connectorsOk = false;
                }
            }
            c.put("tasks", tasks);
            if ("FAILED".equals(h.connectorState().state())) {
                connectorsOk = false;
            }
            connectors.put(name, c);
        }
        healthy &= connectorsOk;
        connections.put("connectors", Map.of("status", connectorsOk ? "ok" : "error", "details", connectors));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("topics", topicsOut);
        body.put("internalConnections", connections);
        return new Report(healthy, body);
    }

    private static String message(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    public record Report(boolean healthy, Map<String, Object> body) {
    }

}
