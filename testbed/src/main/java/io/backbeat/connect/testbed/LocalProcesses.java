package io.backbeat.connect.testbed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Running local programs (redis-server, ceph tools) with bounded time and useful failure messages. */
public final class LocalProcesses {

    private LocalProcesses() {
    }

    /** The absolute path of {@code program} on the PATH, if it is there. */
    public static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs a command to completion and returns its combined output.
     *
     * @throws IllegalStateException when it exits non-zero or does not finish in time (the process is then
     *     killed); the message holds the command and its output
     */
    public static String run(Duration timeout, List<String> command) {
        return run(timeout, command, Map.of());
    }

    /** {@link #run(Duration, List)} with extra environment variables. */
    public static String run(Duration timeout, List<String> command, Map<String, String> environment) {
        Path output = null;
        try {
            output = Files.createTempFile("testbed-cmd", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (!done) {
                process.destroyForcibly();
                throw new IllegalStateException("Command did not finish within " + timeout.toSeconds() + " s: "
                        + String.join(" ", command) + "\n" + tail(text));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Command failed with exit code " + process.exitValue() + ": "
                        + String.join(" ", command) + "\n" + tail(text));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** The last lines of a log file, for failure messages; empty when it cannot be read. */
    public static String tail(Path log) {
        try {
            return Files.exists(log) ? tail(Files.readString(log, StandardCharsets.UTF_8)) : "";
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    static String tail(String text) {
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 30);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }

    /** Deletes a directory tree; quietly leaves what cannot be deleted. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // leftovers in the temp directory do no harm to later runs
                }
            });
        } catch (IOException ignored) {
            // same as above
        }
    }
}
