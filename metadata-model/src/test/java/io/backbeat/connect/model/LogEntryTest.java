package io.backbeat.connect.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class LogEntryTest {

    private static final String VID = "98204691715422999999RG001  16051.0";

    private static LogEntry objectPut() {
        Fixtures.StoredDoc doc = Fixtures.postImage(12);
        return LogEntry.object(LogEntry.Type.PUT, "src", "k1", VersionIds.encode(VID), doc.id(),
                doc.value().toJson(Fixtures.RELAXED), 1_795_308_284_600L);
    }

    @Test
    void schemaIsNamedVersionedAndMarksOptionalFields() {
        assertEquals("io.backbeat.connect.LogEntry", LogEntry.SCHEMA.name());
        assertEquals(1, LogEntry.SCHEMA.version());
        assertEquals(Schema.Type.STRUCT, LogEntry.SCHEMA.type());
        for (String required : new String[] {"kind", "type", "bucket", "rawKey", "operationTimeMs"}) {
            assertFalse(LogEntry.SCHEMA.field(required).schema().isOptional(), required);
        }
        for (String optional : new String[] {"objectKey", "versionId", "metadata"}) {
            assertTrue(LogEntry.SCHEMA.field(optional).schema().isOptional(), optional);
        }
        assertEquals(Schema.Type.INT64, LogEntry.SCHEMA.field("operationTimeMs").schema().type());
    }

    @Test
    void objectEntryRoundTripsThroughStruct() {
        LogEntry entry = objectPut();
        Struct struct = entry.toStruct();
        struct.validate();
        assertEquals("object", struct.getString("kind"));
        assertEquals("put", struct.getString("type"));
        assertEquals(entry, LogEntry.fromStruct(struct));
        assertEquals("src/k1", entry.kafkaKey());
        assertEquals(VID, entry.metadataKey().internalVersionId());
        assertEquals(VID, entry.objectMetadata().versionId());
    }

    @Test
    void entriesFromFixtureDocuments() {
        Fixtures.StoredDoc marker = Fixtures.postImage(39);
        LogEntry dm = LogEntry.ofObjectDocument(LogEntry.Type.PUT, "src", marker.id(), KeyFormat.V1,
                marker.value().toJson(Fixtures.RELAXED), 1L);
        assertEquals("k1", dm.objectKey());
        assertEquals("39383230343639313638323631303939393939395247303031202031363035312e34", dm.versionId());
        assertTrue(dm.objectMetadata().isDeleteMarker());

        // a master carries the version id of the version it mirrors
        Fixtures.StoredDoc master = Fixtures.postImage(13);
        LogEntry m = LogEntry.ofObjectDocument(LogEntry.Type.PUT, "src", master.id(), null,
                master.value().toJson(Fixtures.RELAXED), 1L);
        assertTrue(m.metadataKey().isMaster());
        assertEquals(VersionIds.encode(VID), m.versionId());

        Fixtures.StoredDoc plain = Fixtures.postImage(46);
        LogEntry p = LogEntry.ofObjectDocument(LogEntry.Type.PUT, "plain", plain.id(), KeyFormat.V1,
                plain.value().toJson(Fixtures.RELAXED), 1L);
        assertEquals("p1", p.objectKey());
        assertNull(p.versionId());
        assertEquals("plain/p1", p.kafkaKey());

        LogEntry nullVersion = LogEntry.ofObjectDocument(LogEntry.Type.PUT, "b", KeyFormat.V1.versionKey("k", VID),
                KeyFormat.V1, "{\"versionId\":\"" + VID + "\",\"isNull\":true}", 1L);
        assertEquals("null", nullVersion.versionId());

        LogEntry delete = LogEntry.ofObjectDocument(LogEntry.Type.DELETE, "plain", "\u007fMp1", KeyFormat.V1, null, 1L);
        assertNull(delete.versionId());
        assertThrows(InvalidMetadataException.class, () -> LogEntry.ofObjectDocument(LogEntry.Type.DELETE, "plain",
                "p1", KeyFormat.V1, null, 1L));
    }

    @Test
    void bucketAndDeleteEntries() {
        String bucketJson = Fixtures.postImage(7).value().toJson(Fixtures.RELAXED);
        LogEntry bucket = LogEntry.bucket(LogEntry.Type.PUT, "src", bucketJson, 5L);
        assertEquals("src", bucket.kafkaKey());
        assertEquals("src", bucket.rawKey());
        assertNull(bucket.toStruct().getString("objectKey"));
        assertEquals(bucket, LogEntry.fromStruct(bucket.toStruct()));
        assertTrue(bucket.bucketInfo().isVersioningEnabled());
        assertThrows(IllegalStateException.class, bucket::objectMetadata);

        // a plain delete carries no metadata
        LogEntry delete = LogEntry.object(LogEntry.Type.DELETE, "plain", "p1", null, "\u007fMp1", null, 7L);
        assertEquals(delete, LogEntry.fromStruct(delete.toStruct()));
        assertNull(delete.objectMetadata());
    }

    @Test
    void schemalessMapValuesAreAccepted() {
        LogEntry entry = objectPut();
        Map<String, Object> map = new HashMap<>();
        for (var f : LogEntry.SCHEMA.fields()) {
            map.put(f.name(), entry.toStruct().get(f));
        }
        map.put("operationTimeMs", 1_795_308_284_600L);
        assertEquals(entry, LogEntry.fromValue(map));
    }

    @Test
    void invalidEntriesAreRejectedNamingTheField() {
        assertField(() -> LogEntry.object(LogEntry.Type.PUT, "src", null, null, "\u007fMk", "{}", 1L), "objectKey");
        assertField(() -> LogEntry.object(LogEntry.Type.PUT, "src", "k", null, "\u007fMk", null, 1L), "metadata");
        assertField(() -> LogEntry.object(LogEntry.Type.PUT, "", "k", null, "\u007fMk", "{}", 1L), "bucket");
        assertField(() -> LogEntry.object(LogEntry.Type.PUT, "b", "k", null, "\u007fMk", "{}", -1L), "operationTimeMs");
        assertField(() -> new LogEntry(LogEntry.Kind.BUCKET, LogEntry.Type.PUT, "b", "k", null, "b", "{}", 1L),
                "objectKey");
    }

    @Test
    void wrongStructsThrowDataExceptionNamingTheField() {
        Schema missingRawKey = SchemaBuilder.struct().name("other.Schema")
                .field("kind", Schema.STRING_SCHEMA).field("type", Schema.STRING_SCHEMA)
                .field("bucket", Schema.STRING_SCHEMA).field("objectKey", Schema.OPTIONAL_STRING_SCHEMA)
                .field("versionId", Schema.OPTIONAL_STRING_SCHEMA).field("metadata", Schema.OPTIONAL_STRING_SCHEMA)
                .field("operationTimeMs", Schema.INT64_SCHEMA).build();
        Struct s = new Struct(missingRawKey).put("kind", "object").put("type", "put").put("bucket", "b")
                .put("objectKey", "k").put("metadata", "{}").put("operationTimeMs", 1L);
        assertDataException(() -> LogEntry.fromStruct(s), "'rawKey'");

        Schema timeAsString = SchemaBuilder.struct().name("io.backbeat.connect.LogEntry")
                .field("kind", Schema.STRING_SCHEMA).field("type", Schema.STRING_SCHEMA)
                .field("bucket", Schema.STRING_SCHEMA).field("objectKey", Schema.OPTIONAL_STRING_SCHEMA)
                .field("versionId", Schema.OPTIONAL_STRING_SCHEMA).field("rawKey", Schema.STRING_SCHEMA)
                .field("metadata", Schema.OPTIONAL_STRING_SCHEMA).field("operationTimeMs", Schema.STRING_SCHEMA)
                .build();
        Struct t = new Struct(timeAsString).put("kind", "object").put("type", "put").put("bucket", "b")
                .put("objectKey", "k").put("rawKey", "k").put("metadata", "{}").put("operationTimeMs", "1");
        assertDataException(() -> LogEntry.fromStruct(t), "'operationTimeMs'");

        Struct badType = objectPut().toStruct().put("type", "upsert");
        assertDataException(() -> LogEntry.fromStruct(badType), "'type'");
        assertDataException(() -> LogEntry.fromValue("a string"), "Struct or a Map");
        assertDataException(() -> LogEntry.fromStruct(null), "Struct or a Map");
    }

    static void assertField(Runnable r, String field) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
    }

    static void assertDataException(Runnable r, String expected) {
        DataException e = assertThrows(DataException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "\"" + e.getMessage() + "\" should mention " + expected);
    }
}
