package io.backbeat.connect.bench;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Large objects: N × 64 MiB written by multipart upload, MiB/s against the SDK GET→PUT loop and against
 * {@code rclone copy} between the same endpoints. Target: ours ≥ 1.0 × rclone.
 * {@code --objects 16 --size-mib 64 --destination s3mock|ceph}.
 */
public final class LargeObjectsBench {

    private LargeObjectsBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchStack.args(argv, Map.of("objects", "16", "size-mib", "64", "part-mib", "16",
                "destination", "s3mock", "writers", "4", "site-config", "", "rounds", "6", "warm-up-rounds", "3",
                "workers", "in-process"));
        Consumer<String> say = BenchStack.console();
        say.accept(BenchStack.machine());
        int objects = Integer.parseInt(a.get("objects"));
        long size = Long.parseLong(a.get("size-mib")) * ThroughputBench.MIB;
        int code = 0;
        try (BenchStack bench = BenchStack.start(a.get("destination"), 2, say)) {
            bench.placeWorkers(a.get("workers"), say);
            List<ThroughputBench.Outcome> o = ThroughputBench.run(bench, Integer.parseInt(a.get("rounds")), objects,
                    Integer.parseInt(a.get("warm-up-rounds")), size,
                    Long.parseLong(a.get("part-mib")) * ThroughputBench.MIB, Integer.parseInt(a.get("writers")),
                    BenchStack.overrides(a.get("site-config")), true, true, say);
            ThroughputBench.report(say, "large objects: " + objects + " x " + ThroughputBench.human(size)
                    + " (multipart) -> " + bench.destinationName(), o, "MiB/s", 1.0, true);
        } catch (RuntimeException | Error e) {
            say.accept("FAILED: " + e);
            e.printStackTrace();
            code = 1;
        }
        say.accept(BenchStack.machine());
        System.exit(code);
    }
}
