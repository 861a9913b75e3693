package io.backbeat.connect.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.changestream.ChangeStreamDocument;

import io.backbeat.connect.sandbox.SandboxStack;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * The source connector: journal entries/s into Kafka against a raw change-stream read of the same writes. The
 * source connector is paused while N objects are written; then (1) a plain driver change stream reads every
 * change event since before the writes, as fast as it can, and (2) the connector is resumed and the clock runs
 * until the log topic stops growing. Both read the same backlog from the same MongoDB stand-in. Before that,
 * untimed, as many objects go through both (in the warm-up bucket), so that neither runs on a cold JVM.
 */
public final class SourceBench {

    private SourceBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchStack.args(argv, Map.of("objects", "2000", "writers", "16"));
        Consumer<String> say = BenchStack.console();
        say.accept(BenchStack.machine());
        int objects = Integer.parseInt(a.get("objects"));
        int code = 0;
        try (BenchStack bench = BenchStack.start("s3mock", 2, say)) {
            bench.deploy(Map.of(), say);
            // the replication connector is not what is measured here
            bench.pause(BenchStack.SITE_CONNECTOR);
            SandboxStack stack = bench.sandbox();
            int writers = Integer.parseInt(a.get("writers"));
            try (Topics log = new Topics(stack.connect().bootstrapServers(), SandboxStack.METADATA_LOG_TOPIC)) {
                long idle = log.awaitQuiet(0, Duration.ofSeconds(2), Duration.ofMinutes(2))[0];
                BsonTimestamp warmStart = stack.mongo().clusterTime();
                // the same pattern as measured (a backlog read in full batches), not a trickle of live writes:
                // they exercise different code, and the JIT would compile the backlog's during the measurement
                bench.pause(BenchStack.SOURCE_CONNECTOR);
                try (S3Client src = stack.newSourceClient()) {
                    ThroughputBench.write(src, BenchStack.WARM_UP.source(), objects, 0, 0, writers);
                }
                bench.resume(BenchStack.SOURCE_CONNECTOR);
                long before = log.awaitQuiet(idle + objects, Duration.ofSeconds(3), Duration.ofMinutes(10))[0];
                long[] warmRaw = rawRead(stack, warmStart);
                say.accept(String.format("warm-up (untimed): %d objects journaled (%d entries), %d change events read "
                        + "raw", objects, before - idle, warmRaw[0]));
                bench.pause(BenchStack.SOURCE_CONNECTOR);
                BsonTimestamp start = stack.mongo().clusterTime();
                try (S3Client src = stack.newSourceClient()) {
                    ThroughputBench.write(src, BenchStack.BUCKET, objects, 0, 0, writers);
                }
                say.accept("wrote " + objects + " empty objects with the source connector paused");

                Jit.settle("the raw read", say);
                CpuAccount.Snapshot cpuBeforeRaw = CpuAccount.now();
                long[] read = rawRead(stack, start);
                CpuAccount.Snapshot cpuAfterRaw = CpuAccount.now();
                long rawEvents = read[0];
                double rawSeconds = read[1] / 1e9;
                double raw = rawEvents / rawSeconds;
                say.accept(String.format("raw change stream: %d events in %.2f s -> %.0f events/s", rawEvents,
                        rawSeconds, raw));

                Jit.settle("the source connector", say);
                CpuAccount.Snapshot cpuAtResume = CpuAccount.now();
                long resumed = System.nanoTime();
                bench.resume(BenchStack.SOURCE_CONNECTOR);
                long[] after = log.awaitQuiet(before + objects, Duration.ofSeconds(3), Duration.ofMinutes(10));
                // includes the 3 s of quiet that end the wait: the idle stack's heartbeats, a few ms of CPU
                CpuAccount.Snapshot cpuAtEnd = CpuAccount.now();
                long entries = after[0] - before;
                double oursSeconds = (after[1] - resumed) / 1e9;
                double ours = entries / oursSeconds;
                say.accept(String.format("source connector: %d entries into Kafka in %.2f s after resume -> %.0f "
                        + "entries/s (first entries %.2f s after resume; from then on %.0f entries/s)", entries,
                        oursSeconds, ours, (after[2] - resumed) / 1e9, entries / ((after[1] - after[2]) / 1e9)));
                say.accept("raw change stream, " + CpuAccount.between(cpuBeforeRaw, cpuAfterRaw, (int) rawEvents,
                        "event"));
                say.accept("source connector, " + CpuAccount.between(cpuAtResume, cpuAtEnd, (int) entries, "entry"));
                say.accept("==== source: entries/s into Kafka vs raw change-stream read ====");
                say.accept(String.format("ours %.0f entries/s | raw change stream %.0f events/s | ratio %.2f "
                        + "(entries per object %.2f, events per object %.2f)", ours, raw, ours / raw,
                        entries / (double) objects, rawEvents / (double) objects));
            }
        } catch (RuntimeException | Error e) {
            say.accept("FAILED: " + e);
            e.printStackTrace();
            code = 1;
        }
        say.accept(BenchStack.machine());
        System.exit(code);
    }

    /** Reads every change event since {@code start} as fast as it can: the count and the nanos to the last one. */
    private static long[] rawRead(SandboxStack stack, BsonTimestamp start) {
        long events = 0;
        long t0 = System.nanoTime();
        long lastEvent = t0;
        try (MongoClient client = MongoClients.create(stack.mongo().connectionString());
                MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor = client.getDatabase("metadata")
                        .watch(BsonDocument.class).startAtOperationTime(start)
                        .maxAwaitTime(200, TimeUnit.MILLISECONDS).batchSize(1000).cursor()) {
            int emptyPolls = 0;
            while (emptyPolls < 3) {
                if (cursor.tryNext() != null) {
                    events++;
                    lastEvent = System.nanoTime();
                    emptyPolls = 0;
                } else {
                    emptyPolls++;
                }
            }
        }
        return new long[] {events, lastEvent - t0};
    }
}
