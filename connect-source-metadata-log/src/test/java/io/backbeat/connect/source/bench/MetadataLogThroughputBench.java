package io.backbeat.connect.source.bench;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.backbeat.connect.source.MetadataLogSourceConfig;
import io.backbeat.connect.source.MetadataLogSourceConnector;
import io.backbeat.connect.testbed.kafka.ConnectCluster;
import io.backbeat.connect.testbed.mongo.MongoStandIn;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;

/**
 * Throughput of the source connector against a raw change-stream read of the same writes, in one run.
 *
 * <p>Writes N CloudServer-style object writes (version then master, whole {@code value} upserts) into the
 * MongoDB stand-in, then (1) reads them with a plain driver change stream (updateLookup, the same pipeline
 * shape as the connector minus the filter) and (2) lets the connector, in a real Connect worker, turn them
 * into entries on the topic. Prints events/s for both and the ratio. Not a test: numbers depend on the
 * machine. Run: see docs/source-connector.md ("Benchmark").
 */
public final class MetadataLogThroughputBench {

    private MetadataLogThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        try (MongoStandIn mongo = MongoStandIn.launch();
                MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase db = client.getDatabase("metadata");
            db.createCollection("__metastore");
            BsonTimestamp start = mongo.clusterTime();
            long t0 = System.nanoTime();
            write(db, writes);
            System.out.printf("wrote %d writes in %.1f s%n", writes, (System.nanoTime() - t0) / 1e9);

            double raw = rawRead(db, start, writes);
            System.out.printf("raw change stream : %,10.0f events/s%n", raw);

            try (ConnectCluster connect = ConnectCluster.builder().workers(1).start()) {
                double connector = connectorRun(connect, mongo, start, writes);
                System.out.printf("source connector  : %,10.0f entries/s%n", connector);
                System.out.printf("ratio connector/raw: %.2f%n", connector / raw);
            }
        }
    }

    private static void write(MongoDatabase db, int writes) {
        for (int i = 0; i < writes / 2; i++) {
            String key = "bench/obj-" + i;
            String vid = String.format("%020d", 98204691715422999L - i) + "RG001  1." + i;
            BsonDocument value = new BsonDocument("key", new BsonString(key)).append("versionId", new BsonString(vid))
                    .append("content-length", new BsonInt32(i)).append("isDeleteMarker", BsonBoolean.FALSE)
                    .append("content-md5", new BsonString("d41d8cd98f00b204e9800998ecf8427e"));
            BsonArray updates = new BsonArray(List.of(upsert("\u007fV" + key + "\u0000" + vid, value),
                    upsert("\u007fM" + key, value)));
            db.runCommand(new BsonDocument("update", new BsonString("bench")).append("updates", updates));
        }
    }

    private static BsonDocument upsert(String id, BsonDocument value) {
        return new BsonDocument("q", new BsonDocument("_id", new BsonString(id)))
                .append("u", new BsonDocument("$set", new BsonDocument("_id", new BsonString(id)).append("value", value)))
                .append("upsert", BsonBoolean.TRUE);
    }

    private static double rawRead(MongoDatabase db, BsonTimestamp start, int writes) {
        long t0 = System.nanoTime();
        int n = 0;
        try (MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor = db.watch(BsonDocument.class)
                .fullDocument(FullDocument.UPDATE_LOOKUP).startAtOperationTime(start).batchSize(1000).cursor()) {
            while (n < writes) {
                if (cursor.tryNext() != null) {
                    n++;
                }
            }
        }
        return writes / ((System.nanoTime() - t0) / 1e9);
    }

    private static double connectorRun(ConnectCluster connect, MongoStandIn mongo, BsonTimestamp start, int writes)
            throws Exception {
        String topic = "bench-log";
        connect.createTopic(topic, 1);
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", MetadataLogSourceConnector.class.getName());
        config.put("tasks.max", "1");
        config.put(MetadataLogSourceConfig.MONGODB_URI, mongo.connectionString());
        config.put(MetadataLogSourceConfig.TOPIC, topic);
        config.put(MetadataLogSourceConfig.STARTUP_MODE, "timestamp");
        config.put(MetadataLogSourceConfig.STARTUP_TIMESTAMP, (start.getTime() & 0xFFFFFFFFL) + ":" + start.getInc());
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        long t0 = System.nanoTime();
        connect.configureConnector("bench", config);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = connect.kafka().createConsumer(
                Map.of("group.id", "bench-" + UUID.randomUUID()))) {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (consumer.endOffsets(List.of(tp)).get(tp) < writes) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the connector did not produce " + writes + " entries in 10 min");
                }
                Thread.sleep(50);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        connect.deleteConnector("bench");
        return writes / seconds;
    }
}
