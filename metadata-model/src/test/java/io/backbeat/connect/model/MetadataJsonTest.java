package io.backbeat.connect.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** What the source connector hands over: documents written as relaxed Extended JSON by the Java driver. */
class MetadataJsonTest {

    @Test
    void relaxedJsonFromTheDriverDecodesAndKeepsBsonTypes() {
        long ms = 1_795_308_284_577L;
        BsonDocument value = new BsonDocument()
                .append("key", new BsonString("big"))
                .append("content-length", new BsonInt64(6_000_000_000L))
                .append("md-model-version", new BsonInt32(6))
                .append("sizeAsDouble", new BsonDouble(5.0E9))
                .append("last-modified", new BsonDateTime(ms));
        String json = value.toJson(Fixtures.RELAXED);
        assertFalse(json.contains("$numberLong"), json);
        assertFalse(json.contains("$numberInt"), json);

        ObjectMetadata md = ObjectMetadata.parse(json);
        assertEquals(6_000_000_000L, md.contentLength());
        assertEquals(Instant.ofEpochMilli(ms), md.lastModified());
        // int32, int64 beyond int32, double and date come back with their BSON types
        assertEquals(value, BsonDocument.parse(md.toJson()));
    }

    @Test
    void documentsNeedAStringIdAndAnObjectValue() {
        InvalidMetadataException id = assertThrows(InvalidMetadataException.class,
                () -> MetadataDocument.parse("{\"_id\":{\"$oid\":\"5f1b\"},\"value\":{}}"));
        assertTrue(id.getMessage().contains("_id"), id.getMessage());
        InvalidMetadataException value = assertThrows(InvalidMetadataException.class,
                () -> MetadataDocument.parse("{\"_id\":\"\\u007fMk\",\"value\":[]}"));
        assertTrue(value.getMessage().contains("\\x7fMk") && value.getMessage().contains("value"), value.getMessage());
        InvalidMetadataException none = assertThrows(InvalidMetadataException.class,
                () -> MetadataDocument.parse("{\"_id\":\"k\"}").objectMetadata());
        assertTrue(none.getMessage().contains("no value"), none.getMessage());
        InvalidMetadataException mismatch = assertThrows(InvalidMetadataException.class,
                () -> BucketInfo.fromMetastoreDocument("{\"_id\":\"a\",\"value\":{\"name\":\"b\"},\"vFormat\":\"v1\"}"));
        assertTrue(mismatch.getMessage().contains("\"a\"") && mismatch.getMessage().contains("\"b\""));
        assertThrows(InvalidMetadataException.class, () -> MetadataJson.parseObject("{} {}", "trailing"));
    }

    @Test
    void documentBuiltFromMetadataReadsBack() {
        ObjectMetadata md = ObjectMetadata.parse("{\"key\":\"k\",\"versionId\":\"v\"}");
        MetadataDocument doc = MetadataDocument.of(KeyFormat.V1.versionKey("k", "v"), md);
        MetadataDocument back = MetadataDocument.parse(doc.toJson());
        assertEquals(doc, back);
        assertEquals(md, back.objectMetadata());
        assertEquals("v", MetadataKey.parse(back.id()).internalVersionId());
    }
}
