package io.backbeat.connect.model;

import static io.backbeat.connect.model.LogEntryTest.assertDataException;
import static io.backbeat.connect.model.LogEntryTest.assertField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class StatusEventTest {

    private static final StatusEvent COMPLETED = new StatusEvent("src", "dir/k2", "3938", "zenko",
            ReplicationStatus.COMPLETED, "dstVid", null, 1, 1_000L, 2_000L, 8L, "0123456789abcdef0123456789abcdef");
    private static final StatusEvent FAILED = new StatusEvent("src", "k1", null, "zenko",
            ReplicationStatus.FAILED, null, "DstBucketNotFound", 5, 1_000L, null, null);

    @Test
    void schemaIsNamedVersionedAndMarksOptionalFields() {
        assertEquals("io.backbeat.connect.StatusEvent", StatusEvent.SCHEMA.name());
        assertEquals(2, StatusEvent.SCHEMA.version());
        for (String required : new String[] {"bucket", "objectKey", "site", "status", "attempts", "sourceWriteTimeMs"}) {
            assertFalse(StatusEvent.SCHEMA.field(required).schema().isOptional(), required);
        }
        for (String optional : new String[] {"versionId", "destinationVersionId", "reason", "replicatedTimeMs",
                "contentLength", "sourceFingerprint"}) {
            assertTrue(StatusEvent.SCHEMA.field(optional).schema().isOptional(), optional);
        }
    }

    @Test
    void roundTripsThroughStructAndMap() {
        for (StatusEvent event : new StatusEvent[] {COMPLETED, FAILED}) {
            Struct struct = event.toStruct();
            struct.validate();
            assertEquals(event, StatusEvent.fromStruct(struct));
            Map<String, Object> map = new HashMap<>();
            StatusEvent.SCHEMA.fields().forEach(f -> map.put(f.name(), struct.get(f)));
            map.put("attempts", (long) event.attempts()); // JSON readers give longs
            assertEquals(event, StatusEvent.fromValue(map));
        }
        assertEquals("src/dir/k2", COMPLETED.kafkaKey());
        assertEquals("FAILED", FAILED.toStruct().getString("status"));
    }

    @Test
    void eventsWrittenBeforeTheFingerprintExistedStillRead() {
        // a version-1 event (no sourceFingerprint field), as a Struct and as a schemaless map
        SchemaBuilder v1 = SchemaBuilder.struct().name(StatusEvent.SCHEMA_NAME).version(1);
        StatusEvent.SCHEMA.fields().stream().filter(f -> !f.name().equals("sourceFingerprint"))
                .forEach(f -> v1.field(f.name(), f.schema()));
        Schema v1Schema = v1.build();
        Struct old = new Struct(v1Schema);
        Struct current = COMPLETED.toStruct();
        v1Schema.fields().forEach(f -> old.put(f.name(), current.get(f.name())));
        StatusEvent read = StatusEvent.fromStruct(old);
        assertEquals(null, read.sourceFingerprint());
        assertEquals(COMPLETED.withSourceFingerprint(null), read);
        Map<String, Object> map = new HashMap<>();
        v1Schema.fields().forEach(f -> map.put(f.name(), current.get(f.name())));
        assertEquals(COMPLETED.withSourceFingerprint(null), StatusEvent.fromValue(map));
        // the field, when present, must be a string
        map.put("sourceFingerprint", 12L);
        assertDataException(() -> StatusEvent.fromValue(map), "'sourceFingerprint'");
    }

    @Test
    void invalidEventsAreRejectedNamingTheField() {
        assertField(() -> new StatusEvent("src", "k", null, "zenko", ReplicationStatus.PROCESSING, null, null, 0, 0L,
                null, null), "status");
        assertField(() -> new StatusEvent("src", "k", null, "", ReplicationStatus.PENDING, null, null, 0, 0L,
                null, null), "site");
        assertField(() -> new StatusEvent("src", "k", null, "s", ReplicationStatus.PENDING, null, null, -1, 0L,
                null, null), "attempts");
        assertDataException(() -> StatusEvent.fromStruct(COMPLETED.toStruct().put("status", "DONE")), "'status'");
        Schema other = SchemaBuilder.struct().name("io.backbeat.connect.LogEntry")
                .field("bucket", Schema.STRING_SCHEMA).build();
        assertDataException(() -> StatusEvent.fromStruct(new Struct(other).put("bucket", "b")), "'objectKey'");
    }
}
