package io.backbeat.connect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.backbeat.connect.testbed.s3.S3Endpoint;

import software.amazon.awssdk.services.s3.S3Client;

/** {@code rclone copy} between two S3 endpoints (Debian's rclone), configured through its environment only. */
final class Rclone {

    private Rclone() {
    }

    /** Copies every current object of a bucket; returns the seconds it took. */
    static double copy(S3Endpoint from, String fromBucket, S3Endpoint to, String toBucket, int transfers,
            Consumer<String> say) throws IOException, InterruptedException {
        try (S3Client dst = to.newClient()) {
            dst.createBucket(b -> b.bucket(toBucket));
        }
        Path log = Files.createTempFile("bench-rclone", ".log");
        List<String> command = new java.util.ArrayList<>(List.of("rclone", "copy", "src:" + fromBucket,
                "dst:" + toBucket, "--transfers", Integer.toString(transfers), "--checkers", Integer.toString(transfers),
                "--s3-no-check-bucket", "--no-check-dest", "--s3-upload-concurrency", "4", "--retries", "1",
                "--stats", "0"));
        if ("https".equals(to.endpoint().getScheme()) || "https".equals(from.endpoint().getScheme())) {
            command.add("--no-check-certificate"); // the test gateway's self-signed certificate
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        // Debian's rclone reads AWS_CA_BUNDLE and fails on plain-HTTP endpoints when it is set to a missing file
        env.remove("AWS_CA_BUNDLE");
        configure(env, "SRC", from);
        configure(env, "DST", to);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("rclone did not finish in 30 minutes");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            throw new IllegalStateException("rclone failed (exit " + p.exitValue() + "): " + Files.readString(log));
        }
        return seconds;
    }

    private static void configure(Map<String, String> env, String remote, S3Endpoint e) {
        String p = "RCLONE_CONFIG_" + remote + "_";
        env.put(p + "TYPE", "s3");
        env.put(p + "PROVIDER", "Other");
        env.put(p + "ENDPOINT", e.endpoint().toString());
        env.put(p + "REGION", e.region());
        env.put(p + "ACCESS_KEY_ID", e.accessKey());
        env.put(p + "SECRET_ACCESS_KEY", e.secretKey());
        env.put(p + "FORCE_PATH_STYLE", "true");
    }
}
