package io.backbeat.connect.testbed.kafka;

import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.LocalProcesses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A distributed Connect worker in its own JVM ({@code ConnectDistributed} with a properties file), started from
 * the test's own class path. It exists so that a test can kill a worker the hard way ({@link #kill()}, SIGKILL):
 * an in-JVM worker can only be stopped gracefully, which makes it leave the group at once; and so that a
 * benchmark can run the workers apart from the test bed, as in production.
 */
public final class WorkerProcess {

    /**
     * The JVM options of a short-lived test worker: C1 only and the serial collector cut start-up CPU on a 2-core
     * machine.
     */
    public static final List<String> TEST_JVM_OPTIONS = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Process process;
    private final int restPort;
    private final Path directory;

    private WorkerProcess(String name, Process process, int restPort, Path directory) {
        this.name = name;
        this.process = process;
        this.restPort = restPort;
        this.directory = directory;
    }

    /**
     * @param jvmOptions options before the main class ({@link #TEST_JVM_OPTIONS} for a test worker)
     * @param classPath  the worker's class path
     */
    static WorkerProcess start(String name, Map<String, String> workerProps, int restPort, List<String> jvmOptions,
            String classPath, Duration timeout) {
        Path directory;
        Path config;
        try {
            directory = Files.createTempDirectory("testbed-worker");
            config = directory.resolve("worker.properties");
            Properties props = new Properties();
            props.putAll(workerProps);
            props.put("listeners", "HTTP://localhost:" + restPort);
            try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "worker " + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the configuration of worker " + name, e);
        }
        Path log = directory.resolve("worker.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add("org.apache.kafka.connect.cli.ConnectDistributed");
        command.add(config.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not start worker process " + name + ": " + e.getMessage(), e);
        }
        WorkerProcess worker = new WorkerProcess(name, process, restPort, directory);
        try {
            Await.until(timeout, "worker process " + name + " to serve REST on port " + restPort, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("worker process exited with code " + process.exitValue());
                }
                return worker.healthy();
            });
        } catch (AssertionError e) {
            String tail = LocalProcesses.tail(log);
            worker.kill();
            throw new IllegalStateException(e.getMessage() + "\n" + tail, e);
        }
        return worker;
    }

    /** True when the worker answers {@code GET /health} with 200 (it has joined the group and read its config). */
    public boolean healthy() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(url().resolve("health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public URI url() {
        return URI.create("http://localhost:" + restPort + "/");
    }

    /** The id Connect reports for this worker in status responses. */
    public String workerId() {
        return ConnectCluster.workerId(url());
    }

    /** The operating system's id of the worker's JVM. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The end of the worker's log, for failure messages. */
    public String logTail() {
        return LocalProcesses.tail(directory.resolve("worker.log"));
    }

    /** SIGKILL: the worker vanishes without leaving the group, like a crashed machine. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LocalProcesses.deleteTree(directory);
    }

    @Override
    public String toString() {
        return "WorkerProcess[" + name + ", " + url() + "]";
    }
}
