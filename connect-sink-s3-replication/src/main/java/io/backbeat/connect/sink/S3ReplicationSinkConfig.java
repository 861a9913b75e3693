package io.backbeat.connect.sink;

import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.sink.failed.FailedEntryStore;
import io.backbeat.connect.sink.replication.CopySettings;
import io.backbeat.connect.sink.replication.PartPlan;
import io.backbeat.connect.sink.replication.ReplicaCheck;
import io.backbeat.connect.sink.replication.SuspectEntries;
import io.backbeat.connect.sink.retry.RetryPolicy;
import io.backbeat.connect.sink.s3.S3ClientConfig;
import io.backbeat.connect.sink.status.KafkaStatusPublisher;

/** Configuration of {@link S3ReplicationSinkConnector}: one destination site. */
public final class S3ReplicationSinkConfig extends AbstractConfig {

    public static final String SITE = "site";
    public static final String DESTINATION_BUCKET = "destination.bucket";
    public static final String DESTINATION_PREFIX = "destination.s3.";
    public static final String SOURCE_PREFIX = "source.s3.";
    public static final String METADATA_READER = "source.metadata.reader";
    public static final String METADATA_REREAD = "source.metadata.reread";
    public static final String MONGODB_URI = "source.mongodb.uri";
    public static final String MONGODB_DATABASE = "source.mongodb.database";
    public static final String MULTIPART_THRESHOLD = "multipart.threshold.bytes";
    public static final String MULTIPART_SOURCES = "multipart.for.multipart.sources";
    public static final String PART_SIZE = "multipart.part.size.bytes";
    public static final String PART_TARGET_COUNT = "multipart.part.target.count";
    public static final String PART_MAX_DOUBLED_SIZE = "multipart.part.max.doubled.size.bytes";
    public static final String PART_CONCURRENCY = "multipart.part.concurrency";
    public static final String CONCURRENCY = "concurrency";
    public static final String MAX_IN_FLIGHT = "max.in.flight.records";
    public static final String HAND_OVER_WAIT_MS = "partition.handover.wait.ms";
    public static final String REPLICA_CHECK = "replica.check";
    public static final String SUSPECT_GRACE_MS = "suspect.grace.ms";
    public static final String MAX_BLOCK_MS = "backpressure.max.block.ms";
    public static final String REDIS_URI = "redis.uri";
    public static final String REDIS_KEY_PREFIX = "redis.failed.key.prefix";

    /** Where the sink re-reads source metadata before copying. */
    public enum MetadataReader { CLOUDSERVER, MONGODB, ENTRY }

    public static final ConfigDef CONFIG_DEF = configDef();

    public S3ReplicationSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
        if (metadataReader() == MetadataReader.MONGODB && mongoUri().value().isBlank()) {
            throw new ConfigException(MONGODB_URI, "[hidden]", "required when " + METADATA_READER + "=mongodb");
        }
        if (metadataReader() == MetadataReader.CLOUDSERVER && getString(SOURCE_PREFIX + S3ClientConfig.ENDPOINT).isBlank()) {
            throw new ConfigException(SOURCE_PREFIX + S3ClientConfig.ENDPOINT, "",
                    "the CloudServer endpoint is required when " + METADATA_READER + "=cloudserver");
        }
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        String site = "Site";
        int order = 0;
        def.define(SITE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyStringWithoutControlChars(),
                        Importance.HIGH, "Name of the destination site this connector replicates to, as it appears in "
                                + "replicationInfo.backends[].site (the storage class of the replication rule).",
                        site, ++order, Width.MEDIUM, "Site")
                .define(DESTINATION_BUCKET, Type.STRING, "", Importance.HIGH,
                        "Destination bucket. Empty: the bucket of each entry's replicationInfo.destination "
                                + "(arn:aws:s3:::<bucket>). Must exist with versioning enabled.",
                        site, ++order, Width.MEDIUM, "Destination bucket");
        S3ClientConfig.addTo(def, DESTINATION_PREFIX, "destination site", "Destination S3");
        S3ClientConfig.addTo(def, SOURCE_PREFIX, "source site (CloudServer)", "Source S3");

        String source = "Source metadata";
        order = 0;
        def.define(METADATA_READER, Type.STRING, "cloudserver",
                        ConfigDef.CaseInsensitiveValidString.in("cloudserver", "mongodb", "entry"), Importance.MEDIUM,
                        "Where the current metadata of a version is re-read before it is copied, to skip versions "
                                + "already COMPLETED for the site and versions deleted meanwhile: cloudserver (the "
                                + "backbeat route GET /_/backbeat/metadata on the source endpoint, with the source "
                                + "credentials), mongodb (CloudServer's metadata database), or entry (no re-read: "
                                + "trust the log entry; a redelivered entry is copied again).",
                        source, ++order, Width.SHORT, "Metadata reader")
                .define(METADATA_REREAD, Type.STRING, "suspect",
                        ConfigDef.CaseInsensitiveValidString.in("suspect", "always"), Importance.MEDIUM,
                        "Which entries the cloudserver and mongodb readers re-read. always: every entry, as Backbeat "
                                + "does (one request more per object). suspect: entries that may be stale or handled "
                                + "before (marked by the source as possible replays, journaled before the task got the "
                                + "partition, or more than " + SUSPECT_GRACE_MS + " after their source write), "
                                + "metadata-only changes, and entries whose copy "
                                + "finds the source changed (version gone, other size or digest); the first delivery "
                                + "of an entry journaled right after its write is copied from the metadata it "
                                + "carries.",
                        source, ++order, Width.SHORT, "Metadata re-read")
                .define(MONGODB_URI, Type.PASSWORD, "", Importance.MEDIUM,
                        "MongoDB connection string of CloudServer's metadata (for the mongodb reader).",
                        source, ++order, Width.LONG, "MongoDB URI")
                .define(MONGODB_DATABASE, Type.STRING, "metadata", new ConfigDef.NonEmptyString(), Importance.LOW,
                        "CloudServer's metadata database.", source, ++order, Width.SHORT, "MongoDB database");

        String copy = "Copy";
        order = 0;
        CopySettings d = CopySettings.DEFAULTS;
        def.define(MULTIPART_THRESHOLD, Type.LONG, d.multipartThreshold(), Range.between(1, PartPlan.MAX_PUT_BYTES),
                        Importance.MEDIUM,
                        "Objects of at least this many bytes are copied with a multipart upload; smaller ones with "
                                + "one PUT. Default 200 MiB (rclone's upload cutoff): with many objects in flight, "
                                + "parts add requests, not parallelism. Backbeat's minMPUSizeMB is 20 MB "
                                + "(20000000): lower values give one large object more parallel streams. At most 5 GiB, "
                                + "S3's limit for one PUT.",
                        copy, ++order, Width.SHORT, "Multipart threshold")
                .define(MULTIPART_SOURCES, Type.BOOLEAN, d.multipartSources(), Importance.LOW,
                        "Copy objects that were multipart uploads at the source with a multipart upload whatever "
                                + "their size, as Backbeat does (true). Default false: the size alone decides (against "
                                + MULTIPART_THRESHOLD + "), so a source uploaded in parts becomes one PUT; the "
                                + "replica's ETag differs from a multipart source's either way.",
                        copy, ++order, Width.SHORT, "Multipart for multipart sources")
                .define(PART_SIZE, Type.LONG, d.partPlan().basePartSize(), Range.atLeast(1), Importance.LOW,
                        "Starting part size of the part plan (16 MiB). S3 needs parts of at least 5 MiB except the "
                                + "last one.",
                        copy, ++order, Width.SHORT, "Part size")
                .define(PART_TARGET_COUNT, Type.INT, d.partPlan().targetPartCount(), Range.between(1, PartPlan.MAX_PARTS),
                        Importance.LOW, "The part size doubles while an object would have more parts than this "
                                + "(1000) and parts are below " + PART_MAX_DOUBLED_SIZE + "; it doubles further "
                                + "while there would be more than 10,000 parts.",
                        copy, ++order, Width.SHORT, "Target part count")
                .define(PART_MAX_DOUBLED_SIZE, Type.LONG, d.partPlan().maxDoubledPartSize(), Range.atLeast(1),
                        Importance.LOW, "Part size at which doubling for the target part count stops (512 MiB).",
                        copy, ++order, Width.SHORT, "Max doubled part size")
                .define(PART_CONCURRENCY, Type.INT, 10, Range.between(1, 256), Importance.MEDIUM,
                        "Parts copied at the same time by a task, over all its multipart copies (Backbeat's "
                                + "mpuPartsConcurrency). Memory stays small: parts are streamed.",
                        copy, ++order, Width.SHORT, "Part concurrency")
                .define(CONCURRENCY, Type.INT, 10, Range.between(1, 1024), Importance.MEDIUM,
                        "Entries (objects) replicated at the same time by a task. Entries of the same object run "
                                + "one after the other, in log order.",
                        copy, ++order, Width.SHORT, "Concurrency")
                .define(MAX_IN_FLIGHT, Type.INT, 1000, Range.atLeast(1), Importance.LOW,
                        "Records a task accepts before it pauses its partitions (backpressure). It resumes them "
                                + "once half of them are done.",
                        copy, ++order, Width.SHORT, "Max in-flight records")
                .define(MAX_BLOCK_MS, Type.LONG, 2000L, Range.between(0, 60_000), Importance.LOW,
                        "How long a task waits for room before it pauses its partitions.", copy, ++order, Width.SHORT,
                        "Backpressure wait (ms)")
                .define(HAND_OVER_WAIT_MS, Type.LONG, 4000L, Range.between(0, 60_000), Importance.LOW,
                        "How long a task that loses partitions (a rebalance, a stop) waits for their entries in "
                                + "flight to finish before it lets them go. A copy still running when the next "
                                + "owner gets its entry would be made twice; a finished one is found by the "
                                + REPLICA_CHECK + ". Keep it below the worker's task.shutdown.graceful.timeout.ms "
                                + "(5 s by default): a stop waits for it too.",
                        copy, ++order, Width.SHORT, "Partition hand-over wait (ms)")
                .define(REPLICA_CHECK, Type.STRING, ReplicaCheck.REDELIVERIES.configName(),
                        ConfigDef.CaseInsensitiveValidString.in("redeliveries", "always", "never"), Importance.LOW,
                        "When to look at the destination (a HEAD of the key) before copying an object's data: "
                                + "if its latest version is already this version's replica, the entry completes "
                                + "with it instead of writing a second version. redeliveries: only entries that may "
                                + "have been handled before: marked by the source as possible replays (header "
                                + LogEntry.POSSIBLE_REPLAY_HEADER + ": journaled again by a source task after its "
                                + "predecessor crashed), journaled before the task was given the partition "
                                + "(a restart or a rebalance hands the records after the last committed offset "
                                + "again), or journaled more than " + SUSPECT_GRACE_MS + " after their "
                                + "source write (a source that does not mark its replays, or a catch-up); always: "
                                + "every copy; never: a redelivered entry is copied again.",
                        copy, ++order, Width.SHORT, "Replica check")
                .define(SUSPECT_GRACE_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW,
                        "How entries that may be stale or handled before are told (re-read with "
                                + METADATA_REREAD + "=suspect, looked up with " + REPLICA_CHECK + "=redeliveries): "
                                + "journaled before the task was given the partition, or more than this long after "
                                + "their source write (besides the entries the source marks as possible replays). "
                                + "Also the allowance for clocks that differ between Connect "
                                + "workers and the source site.",
                        copy, ++order, Width.SHORT, "Suspect entry grace (ms)");

        String failed = "Failed entries";
        order = 0;
        def.define(REDIS_URI, Type.PASSWORD, "", Importance.MEDIUM,
                        "Redis where failed entries are recorded in Backbeat's format (sorted sets "
                                + "bb:crr:failed:<site>:<hour>), e.g. redis://:password@host:6379/0. Empty: not "
                                + "recorded (the FAILED status event still is). Failed records also go to the "
                                + "Connect dead letter queue when errors.deadletterqueue.topic.name is set.",
                        failed, ++order, Width.LONG, "Redis URI")
                .define(REDIS_KEY_PREFIX, Type.STRING, FailedEntryStore.DEFAULT_PREFIX, new ConfigDef.NonEmptyString(),
                        Importance.LOW, "Prefix of the failed-entry sorted sets.", failed, ++order, Width.MEDIUM,
                        "Failed key prefix");
        RetryPolicy.addTo(def);
        KafkaStatusPublisher.addTo(def);
        return def;
    }

    public String site() {
        return getString(SITE).trim();
    }

    /** The configured destination bucket, or null to take it from each entry. */
    public String destinationBucket() {
        String b = getString(DESTINATION_BUCKET).trim();
        return b.isEmpty() ? null : b;
    }

    public S3ClientConfig destination() {
        return new S3ClientConfig(this, DESTINATION_PREFIX);
    }

    public S3ClientConfig source() {
        return new S3ClientConfig(this, SOURCE_PREFIX);
    }

    public MetadataReader metadataReader() {
        return MetadataReader.valueOf(getString(METADATA_READER).toUpperCase(Locale.ROOT));
    }

    /** Whether every entry's metadata is re-read (Backbeat's way), not only suspect ones. */
    public boolean rereadAlways() {
        return "always".equalsIgnoreCase(getString(METADATA_REREAD));
    }

    public Password mongoUri() {
        return getPassword(MONGODB_URI);
    }

    public String mongoDatabase() {
        return getString(MONGODB_DATABASE);
    }

    public CopySettings copySettings() {
        return new CopySettings(getLong(MULTIPART_THRESHOLD), getBoolean(MULTIPART_SOURCES),
                new PartPlan.Settings(getLong(PART_SIZE),
                getInt(PART_TARGET_COUNT), Math.max(getLong(PART_MAX_DOUBLED_SIZE), getLong(PART_SIZE))),
                CopySettings.DEFAULTS.versioningCheckMs());
    }

    public int partConcurrency() {
        return getInt(PART_CONCURRENCY);
    }

    public int concurrency() {
        return getInt(CONCURRENCY);
    }

    public int maxInFlight() {
        return getInt(MAX_IN_FLIGHT);
    }

    public long maxBlockMs() {
        return getLong(MAX_BLOCK_MS);
    }

    public long handOverWaitMs() {
        return getLong(HAND_OVER_WAIT_MS);
    }

    public ReplicaCheck replicaCheck() {
        return ReplicaCheck.fromConfig(getString(REPLICA_CHECK));
    }

    public SuspectEntries suspectEntries() {
        return new SuspectEntries(getLong(SUSPECT_GRACE_MS), System::currentTimeMillis);
    }

    /** The Redis URI, or null when failed entries are not recorded in Redis. */
    public String redisUri() {
        String v = getPassword(REDIS_URI).value().trim();
        return v.isEmpty() ? null : v;
    }

    public String redisKeyPrefix() {
        return getString(REDIS_KEY_PREFIX);
    }

    public RetryPolicy retryPolicy() {
        return RetryPolicy.from(this);
    }
}
