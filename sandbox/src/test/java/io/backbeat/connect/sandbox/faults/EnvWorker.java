package io.backbeat.connect.sandbox.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.LocalProcesses;

/**
 * A Connect worker of the test cluster in its own JVM that resolves {@code ${env:NAME}} the way a deployed worker
 * does: Kafka's {@code EnvVarConfigProvider} over its process environment, which holds the sandbox's
 * variables. The test kills it with SIGKILL (a crashed machine: no group leave).
 */
final class EnvWorker {

    private final Process process;
    private final URI url;
    private final Path directory;

    private EnvWorker(Process process, URI url, Path directory) {
        this.process = process;
        this.url = url;
        this.directory = directory;
    }

    static EnvWorker start(Map<String, String> workerProps, Map<String, String> environment, Duration timeout) {
        try {
            Path directory = Files.createTempDirectory("faults-worker");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Properties props = new Properties();
            props.putAll(workerProps);
            props.put("listeners", "HTTP://localhost:" + port);
            props.put("config.providers", "env");
            props.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
            Path config = directory.resolve("worker.properties");
            try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "fault-injection worker");
            }
            ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()));
            pb.environment().putAll(environment);
            pb.redirectErrorStream(true).redirectOutput(directory.resolve("worker.log").toFile());
            Process process = pb.start();
            EnvWorker worker = new EnvWorker(process, URI.create("http://localhost:" + port + "/"), directory);
            HttpClient http = HttpClient.newHttpClient();
            Await.until(timeout, "worker process to serve REST on " + worker.url, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("worker exited: " + LocalProcesses.tail(directory.resolve("worker.log")));
                }
                try {
                    return http.send(HttpRequest.newBuilder(worker.url.resolve("health")).GET().build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The id Connect reports for this worker (host:port of its REST listener). */
    String workerId() {
        return url.getHost() + ":" + url.getPort();
    }

    Path log() {
        return directory.resolve("worker.log");
    }

    /** SIGTERM: Connect's shutdown hook stops the tasks, commits their offsets and leaves the group. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("worker " + workerId() + " still running 60 s after SIGTERM: "
                        + LocalProcesses.tail(log()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
