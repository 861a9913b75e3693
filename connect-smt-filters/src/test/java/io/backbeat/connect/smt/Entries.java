package io.backbeat.connect.smt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.backbeat.connect.model.KeyFormat;
import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.MetadataJson;
import io.backbeat.connect.model.VersionIds;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;

/** Builds log entries and the sink records that carry them, shaped like CloudServer 8.8's documents. */
final class Entries {

    static final String TOPIC = LogEntry.TOPIC;
    static final String BUCKET = "src";
    static final String VID = "98204691715422999999RG001  16051.0";

    private static long offset;

    private Entries() {
    }

    /** Object metadata of a version written with a replication rule to {@code sites}, all PENDING. */
    static ObjectNode metadata(String key, String internalVid, String... sites) {
        ObjectNode md = MetadataJson.newObject();
        md.put("owner-display-name", "Bart");
        md.put("content-length", 12);
        md.put("content-md5", "3cc067dd02e26904a5c390a4186d79c1");
        md.put("x-amz-version-id", "null");
        md.put("key", key);
        ArrayNode location = md.putArray("location");
        ObjectNode part = location.addObject();
        part.put("key", "1");
        part.put("size", 12);
        part.put("start", 0);
        part.put("dataStoreName", "mem");
        md.put("isDeleteMarker", false);
        if (internalVid != null) {
            md.put("versionId", internalVid);
        }
        md.putObject("tags");
        md.set("replicationInfo", replicationInfo("PENDING", sites));
        md.put("dataStoreName", "us-east-1");
        md.put("originOp", "s3:ObjectCreated:Put");
        md.put("deleted", false);
        md.put("isPHD", false);
        md.put("last-modified", "2026-11-22T00:44:44.575Z");
        return md;
    }

    /** A replicationInfo with the given global status and every site at that status. */
    static ObjectNode replicationInfo(String status, String... sites) {
        ObjectNode ri = MetadataJson.newObject();
        ri.put("status", sites.length == 0 ? "" : status);
        ArrayNode backends = ri.putArray("backends");
        for (String site : sites) {
            ObjectNode b = backends.addObject();
            b.put("site", site);
            b.put("status", status);
            b.put("dataStoreVersionId", "");
        }
        ArrayNode content = ri.putArray("content");
        if (sites.length > 0) {
            content.add("DATA").add("METADATA");
        }
        ri.put("destination", sites.length == 0 ? "" : "arn:aws:s3:::dst-bucket");
        ri.put("storageClass", String.join(",", sites));
        ri.put("role", sites.length == 0 ? "" : "arn:aws:iam::1:role/src,arn:aws:iam::1:role/dst");
        ri.put("storageType", "");
        ri.put("dataStoreVersionId", "");
        ri.putNull("isNFS");
        return ri;
    }

    /** The replicationInfo object of a metadata tree, to edit in place. */
    static ObjectNode ri(ObjectNode md) {
        return (ObjectNode) md.get("replicationInfo");
    }

    /** Sets one site's status in the metadata's backends. */
    static ObjectNode siteStatus(ObjectNode md, String site, String status) {
        for (var b : ri(md).withArray("backends")) {
            if (site.equals(b.path("site").asText())) {
                ((ObjectNode) b).put("status", status);
            }
        }
        return md;
    }

    static LogEntry versionPut(String key, String internalVid, ObjectNode md) {
        return LogEntry.object(LogEntry.Type.PUT, BUCKET, key, VersionIds.encode(internalVid),
                KeyFormat.V1.versionKey(key, internalVid), MetadataJson.write(md), 1_000L);
    }

    static LogEntry masterPut(String key, ObjectNode md) {
        String vid = md.hasNonNull("versionId") ? md.get("versionId").asText() : null;
        String external = vid == null ? null : md.path("isNull").asBoolean() ? VersionIds.NULL : VersionIds.encode(vid);
        return LogEntry.object(LogEntry.Type.PUT, BUCKET, key, external, KeyFormat.V1.masterKey(key),
                MetadataJson.write(md), 1_000L);
    }

    static LogEntry delete(String key, String internalVid, ObjectNode mdOrNull) {
        String raw = internalVid == null ? KeyFormat.V1.masterKey(key) : KeyFormat.V1.versionKey(key, internalVid);
        return LogEntry.object(LogEntry.Type.DELETE, BUCKET, key,
                internalVid == null ? null : VersionIds.encode(internalVid), raw,
                mdOrNull == null ? null : MetadataJson.write(mdOrNull), 1_000L);
    }

    static LogEntry bucketPut(String bucket) {
        ObjectNode b = MetadataJson.newObject();
        b.put("name", bucket);
        b.put("owner", "79a59df9");
        return LogEntry.bucket(LogEntry.Type.PUT, bucket, MetadataJson.write(b), 1_000L);
    }

    /** The entry as a sink task receives it from a converter that keeps schemas. */
    static SinkRecord record(LogEntry entry) {
        return new SinkRecord(TOPIC, 0, Schema.STRING_SCHEMA, entry.kafkaKey(), LogEntry.SCHEMA, entry.toStruct(),
                offset++);
    }

    /** A record with any value on the log topic. */
    static SinkRecord raw(String key, Schema schema, Object value) {
        return new SinkRecord(TOPIC, 0, Schema.OPTIONAL_STRING_SCHEMA, key, schema, value, offset++);
    }

    /** A heartbeat of the source connector: null value on the heartbeat topic. */
    static SinkRecord heartbeat() {
        return new SinkRecord(FilterOptions.DEFAULT_HEARTBEAT_TOPIC, 0, Schema.STRING_SCHEMA, "metadata/metadata-log",
                null, null, offset++);
    }
}
