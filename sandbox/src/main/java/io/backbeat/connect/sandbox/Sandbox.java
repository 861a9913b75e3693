package io.backbeat.connect.sandbox;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.backbeat.connect.testbed.s3.S3Endpoint;

/**
 * The embedded default: {@code ./run-sandbox.sh [--stay]} starts Kafka, two Connect workers with the built
 * bundle on their plugin.path, the MongoDB stand-in, the source site emulator, two destination sites and Redis,
 * deploys {@code connector-configs/}, replicates a workload and prints a summary. See README.md.
 */
public final class Sandbox {

    static final String USAGE = String.join("\n",
            "usage: run-sandbox.sh [--stay] [--objects N] [--seed N] [--timeout SECONDS] [--no-redis]",
            "  --stay         keep everything running after the summary and print endpoints and credentials",
            "                 (Ctrl-C stops it)",
            "  --objects N    objects the workload writes (default 200, at least 3)",
            "  --seed N       seed of object sizes and contents (default 42)",
            "  --timeout S    longest wait for replication, in seconds (default 120)",
            "  --no-redis     do not start redis-server even when installed");

    private Sandbox() {
    }

    /** Parsed command line. */
    record Args(boolean stay, int objects, long seed, Duration timeout, boolean redis) {

        static Args parse(String... raw) {
            boolean stay = false;
            boolean redis = true;
            int objects = 200;
            long seed = 42;
            Duration timeout = Duration.ofSeconds(120);
            // mvn exec passes all arguments as one (possibly empty) string: split it
            List<String> args = new ArrayList<>();
            for (String a : raw) {
                args.addAll(Arrays.stream(a.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
            }
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--stay" -> stay = true;
                    case "--no-redis" -> redis = false;
                    case "--objects" -> objects = intValue(a, args, ++i, 3);
                    case "--seed" -> seed = intValue(a, args, ++i, 0);
                    case "--timeout" -> timeout = Duration.ofSeconds(intValue(a, args, ++i, 1));
                    case "--help", "-h" -> throw new IllegalArgumentException("");
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            return new Args(stay, objects, seed, timeout, redis);
        }

        private static int intValue(String option, List<String> args, int i, int min) {
            if (i >= args.size()) {
                throw new IllegalArgumentException(option + " needs a number");
            }
            try {
                int v = Integer.parseInt(args.get(i));
                if (v < min) {
                    throw new IllegalArgumentException(option + " must be at least " + min + ", got " + v);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number, got '" + args.get(i) + "'");
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("sandbox: " + e.getMessage());
            }
            System.err.println(USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        Path root = Path.of(System.getProperty("backbeat.sandbox.project.root", ".")).toAbsolutePath().normalize();
        Path pluginPath = Path.of(System.getProperty("backbeat.sandbox.plugin.path",
                root.resolve("sandbox/target/plugins").toString())).toAbsolutePath().normalize();
        Path configs = root.resolve("connector-configs");
        PrintStream out = System.out;
        // Kafka's embedded cluster prints to stdout: keep the console for the sandbox's own lines
        String log = System.getProperty("backbeat.sandbox.log");
        if (log != null) {
            PrintStream quiet = new PrintStream(new java.io.FileOutputStream(log + ".out"), true,
                    java.nio.charset.StandardCharsets.UTF_8);
            System.setOut(quiet);
            System.setErr(quiet);
        }
        long t0 = System.nanoTime();
        java.util.function.Consumer<String> say = line -> out.printf("%6.1fs  %s%n", (System.nanoTime() - t0) / 1e9, line);

        List<ConnectorConfigFile> files = ConnectorConfigFile.readAll(configs);
        say.accept("Backbeat Connect sandbox: " + files.size() + " connector configs from " + configs + ", bundle "
                + "from " + pluginPath + " (logs: " + System.getProperty("backbeat.sandbox.log", "sandbox/target/sandbox.log")
                + ")");

        SandboxStack[] holder = new SandboxStack[1];
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            SandboxStack s;
            synchronized (holder) {
                s = holder[0];
                holder[0] = null;
            }
            if (s != null) {
                out.println("sandbox: stopping...");
                s.close();
                out.println("sandbox: stopped");
            }
            stopped.countDown();
        }, "sandbox-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        SandboxStack stack = SandboxStack.start(pluginPath, 2, args.redis(), say);
        synchronized (holder) {
            holder[0] = stack;
        }
        SandboxRun.Result result;
        boolean ok;
        try {
            result = SandboxRun.run(stack, files, new SandboxRun.Options(args.objects(), args.seed(), args.timeout()), say);
            ok = result.ok();
            say.accept("");
            say.accept("==== summary (" + String.format("%.1f s in all; replication took %.1f s", (System.nanoTime() - t0) / 1e9,
                    result.replicationTime().toMillis() / 1e3) + ") ====");
            say.accept(String.format("written: %d objects, %d versions, %.1f MiB (incl. one multipart upload, a tag "
                    + "change on %s, a delete marker on %s)", result.written().objects(), result.written().versions(),
                    result.written().bytes() / 1048576.0, Workload.TAG_CHANGE_KEY, Workload.DELETE_MARKER_KEY));
            result.report().lines().forEach(say);
            List<String> problems = result.report().problems();
            problems.stream().limit(25).forEach(p -> say.accept("  PROBLEM " + p));
            if (problems.size() > 25) {
                say.accept("  ... and " + (problems.size() - 25) + " more problems");
            }
            say.accept(ok ? "RESULT: OK - every version is replicated to both sites, identical, and COMPLETED on the source"
                    : "RESULT: FAILED (" + problems.size() + " problems)");
        } catch (RuntimeException | AssertionError e) {
            ok = false;
            say.accept("RESULT: FAILED - " + e.getMessage());
        }

        if (args.stay()) {
            printEndpoints(stack, say);
            stopped.await();
            return;
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        hook.run();
        System.exit(ok ? 0 : 1);
    }

    private static void printEndpoints(SandboxStack stack, java.util.function.Consumer<String> say) {
        String src = stack.source().endpoint().toString();
        String connect = stack.rest().base().toString();
        say.accept("");
        say.accept("==== the sandbox stays up (Ctrl-C stops it) ====");
        say.accept("source site (CloudServer emulator): " + src + "   access key " + stack.sourceAccount().accessKey()
                + "   secret key " + stack.sourceAccount().secretKey() + "   region us-east-1, path-style");
        for (Map.Entry<String, S3Endpoint> e : stack.sites().entrySet()) {
            say.accept("destination " + e.getKey() + " (S3Mock): " + e.getValue().endpoint() + "   bucket "
                    + SandboxStack.DESTINATION_BUCKET + "   any credentials");
        }
        say.accept("Kafka: " + stack.connect().bootstrapServers() + "   Connect REST: " + connect);
        say.accept("MongoDB (stand-in): " + stack.mongo().connectionString());
        stack.redis().ifPresentOrElse(r -> say.accept("Redis: " + r.uri() + "   ops API: " + connect + "_/crr/status"),
                () -> say.accept("Redis: not running (redis-server not installed or --no-redis): no ops API"));
        say.accept("");
        say.accept("Try it (the seeds' quickstart):");
        say.accept("  export AWS_ACCESS_KEY_ID=" + stack.sourceAccount().accessKey() + " AWS_SECRET_ACCESS_KEY="
                + stack.sourceAccount().secretKey() + " AWS_DEFAULT_REGION=us-east-1");
        say.accept("  aws s3api put-object --bucket " + Workload.SOURCE_BUCKET + " --key hello.txt --body README.md "
                + "--endpoint-url " + src);
        say.accept("  aws s3api head-object --bucket " + Workload.SOURCE_BUCKET + " --key hello.txt --endpoint-url "
                + src + "    # ReplicationStatus: PENDING, then COMPLETED");
        S3Endpoint a = stack.sites().values().iterator().next();
        say.accept("  aws s3api list-object-versions --bucket " + SandboxStack.DESTINATION_BUCKET + " --prefix hello.txt "
                + "--endpoint-url " + a.endpoint());
        say.accept("  curl -s " + connect + "connectors?expand=status");
    }

}
