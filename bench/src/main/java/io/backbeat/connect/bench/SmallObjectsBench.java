package io.backbeat.connect.bench;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Small objects: N × 4 KiB, end-to-end objects/s against the SDK GET→PUT loop at the same concurrency.
 * Target: ours ≥ 0.8 × baseline. {@code --objects 2000 --size-kib 4 --destination s3mock|ceph}.
 */
public final class SmallObjectsBench {

    private SmallObjectsBench() {
    }

    public static void main(String[] argv) throws Exception {
        // three warm-ups: ours' CPU per object kept falling for thousands of objects after one (its Kafka clients,
        // Connect and the sink are more code for a 2-core JVM's compiler than the baseline loop; docs/benchmarks.md)
        Map<String, String> a = BenchStack.args(argv, Map.of("objects", "2000", "size-kib", "4", "destination",
                "s3mock", "writers", "16", "site-config", "", "rounds", "3", "warm-up-rounds", "3", "redis", "false",
                "workers", "in-process"));
        Consumer<String> say = BenchStack.console();
        say.accept(BenchStack.machine());
        int objects = Integer.parseInt(a.get("objects"));
        long size = Long.parseLong(a.get("size-kib")) * 1024;
        int code = 0;
        try (BenchStack bench = BenchStack.start(a.get("destination"), 2, Boolean.parseBoolean(a.get("redis")), say)) {
            bench.placeWorkers(a.get("workers"), say);
            List<ThroughputBench.Outcome> o = ThroughputBench.run(bench, Integer.parseInt(a.get("rounds")), objects,
                    Integer.parseInt(a.get("warm-up-rounds")), size, 0, Integer.parseInt(a.get("writers")),
                    BenchStack.overrides(a.get("site-config")), false, false, say);
            ThroughputBench.report(say, "small objects: " + objects + " x " + ThroughputBench.human(size) + " -> "
                    + bench.destinationName(), o, "objects/s", 0.8, false);
        } catch (RuntimeException | Error e) {
            say.accept("FAILED: " + e);
            e.printStackTrace();
            code = 1;
        }
        say.accept(BenchStack.machine());
        System.exit(code);
    }
}
