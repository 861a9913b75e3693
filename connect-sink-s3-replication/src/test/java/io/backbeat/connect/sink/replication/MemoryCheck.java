package io.backbeat.connect.sink.replication;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.retry.RetryPolicy;
import io.backbeat.connect.sink.s3.S3ClientConfig;
import io.backbeat.connect.sink.s3.S3ClientFactory;
import io.backbeat.connect.sink.s3.S3Connection;

/**
 * Copies one object with the connector's copy engine and Backbeat's part plan; run in a JVM with a small
 * heap by {@link MemoryCheckTest}.
 *
 * <p>Arguments: endpoint region accessKey secretKey srcBucket key versionId size dstBucket
 */
public final class MemoryCheck {

    private MemoryCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            throw new IllegalArgumentException("usage: MemoryCheck endpoint region accessKey secretKey srcBucket key "
                    + "versionId size dstBucket");
        }
        long size = Long.parseLong(args[7]);
        S3ClientConfig cfg = S3ClientConfig.of("", Map.of(S3ClientConfig.ENDPOINT, args[0],
                S3ClientConfig.REGION, args[1], S3ClientConfig.ACCESS_KEY_ID, args[2],
                S3ClientConfig.SECRET_ACCESS_KEY, args[3]));
        ExecutorService parts = Executors.newFixedThreadPool(10);
        try (S3Connection c = S3ClientFactory.connect(cfg)) {
            ObjectReplicator replicator = new ObjectReplicator(c.s3(), c.s3(), parts,
                    new Retrier(RetryPolicy.BACKBEAT_DEFAULTS), CopySettings.DEFAULTS);
            ObjectMetadata md = ObjectMetadata.parse("{}").withField("content-length", size)
                    .withReplicationInfo(ReplicationInfo.pending(List.of("site"), List.of("DATA", "METADATA"),
                            "arn:aws:s3:::" + args[8], "", ""));
            LogEntry entry = LogEntry.object(LogEntry.Type.PUT, args[4], args[5], args[6], "raw", md.toJson(), 0);
            long start = System.nanoTime();
            ObjectReplicator.Result r = replicator.replicate(entry, md, args[8], null, false, new AtomicInteger());
            System.out.println("COPIED " + r.destinationVersionId() + " parts=" + r.parts() + " bytes=" + r.bytes()
                    + " seconds=" + (System.nanoTime() - start) / 1e9 + " maxHeapMiB="
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        } finally {
            parts.shutdownNow();
        }
    }
}
