package io.backbeat.connect.testbed.redis;

import io.backbeat.connect.testbed.Await;
import io.backbeat.connect.testbed.LocalPorts;
import io.backbeat.connect.testbed.LocalProcesses;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian package {@code redis-server}) on a free loopback port, without
 * persistence ({@code --save '' --appendonly no}), in its own temporary directory.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     Jedis jedis = new Jedis(redis.host(), redis.port());
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

    /** Overrides the program to run (a path); otherwise {@code redis-server} is looked up on the PATH. */
    public static final String PROGRAM_PROPERTY = "backbeat.test.redis-server";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path directory;

    private RedisServer(Process process, int port, Path directory) {
        this.process = process;
        this.port = port;
        this.directory = directory;
    }

    /**
     * Starts a server and waits until it answers PING.
     *
     * @throws IllegalStateException when redis-server is not installed or does not come up; the message says
     *     how to install it or shows the end of its log
     */
    public static RedisServer start() {
        Path program = program();
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(program);
            } catch (IllegalStateException e) {
                // the free port may have been taken between probing and binding: try another one
                last = e;
            }
        }
        throw last;
    }

    private static Path program() {
        String configured = System.getProperty(PROGRAM_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(PROGRAM_PROPERTY + "=" + configured + " is not an executable file");
            }
            return path;
        }
        return LocalProcesses.onPath("redis-server").orElseThrow(() -> new IllegalStateException(
                "redis-server is not installed (not on the PATH). Install it with "
                        + "'apt-get update && apt-get install -y redis-server' (what .ci/run does), "
                        + "or point -D" + PROGRAM_PROPERTY + " at the program"));
    }

    private static RedisServer startOnce(Path program) {
        int port = LocalPorts.free();
        Path directory;
        try {
            directory = Files.createTempDirectory("testbed-redis");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for redis-server", e);
        }
        Path log = directory.resolve("redis.log");
        List<String> command = List.of(program.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", directory.toString(),
                "--daemonize", "no",
                "--protected-mode", "yes");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            LocalProcesses.deleteTree(directory);
            throw new IllegalStateException("Could not run " + program + ": " + e.getMessage(), e);
        }
        RedisServer server = new RedisServer(process, port, directory);
        try {
            Await.until(START_TIMEOUT, "redis-server to answer PING on port " + port,
                    () -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("redis-server exited with code " + process.exitValue());
                        }
                        return server.ping();
                    });
        } catch (AssertionError e) {
            String tail = LocalProcesses.tail(log);
            server.close();
            throw new IllegalStateException("redis-server did not start: " + e.getMessage() + "\n" + tail, e);
        }
        return server;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    /** Sends PING over a plain socket (no client library needed) and says whether PONG came back. */
    public boolean ping() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int read = in.readNBytes(reply, 0, reply.length);
            return new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LocalProcesses.deleteTree(directory);
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + "]";
    }
}
