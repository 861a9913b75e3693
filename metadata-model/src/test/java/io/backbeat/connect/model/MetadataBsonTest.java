package io.backbeat.connect.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MetadataBsonTest {

    /** What parsing the driver's relaxed Extended JSON of the document gives: the tree MetadataBson must build. */
    private static JsonNode viaText(BsonDocument document) throws Exception {
        return MetadataJson.mapper().readTree(document.toJson(MetadataBson.RELAXED));
    }

    static Stream<Fixtures.StoredDoc> recorded() {
        List<Fixtures.StoredDoc> all = new ArrayList<>(Fixtures.finalDump());
        all.addAll(Fixtures.postImages());
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recorded")
    void everyRecordedDocumentGivesTheTreeOfItsRelaxedJson(Fixtures.StoredDoc stored) throws Exception {
        JsonNode tree = MetadataBson.toTree(stored.document());
        assertEquals(viaText(stored.document()), tree, stored.toString());
    }

    @Test
    void everyBsonTypeGivesTheTreeOfItsRelaxedJson() throws Exception {
        BsonDocument doc = new BsonDocument()
                .append("string", new BsonString("a \"quoted\" \\ tab\t line\n nul\u0000 é \u2028"))
                .append("int32", new BsonInt32(-7))
                .append("int64Small", new BsonInt64(42))
                .append("int64Large", new BsonInt64(9_007_199_254_740_993L))
                .append("double", new BsonDouble(1.0))
                .append("doubleFraction", new BsonDouble(-0.000123))
                .append("doubleHuge", new BsonDouble(1e300))
                .append("nan", new BsonDouble(Double.NaN))
                .append("infinity", new BsonDouble(Double.NEGATIVE_INFINITY))
                .append("true", BsonBoolean.TRUE)
                .append("null", BsonNull.VALUE)
                .append("undefined", new BsonUndefined())
                .append("date", new BsonDateTime(1_795_308_284_600L))
                .append("dateBefore1970", new BsonDateTime(-5L))
                .append("objectId", new BsonObjectId(new ObjectId("5f1d7a7c9b1e8a3d4c2b1a09")))
                .append("decimal", new BsonDecimal128(Decimal128.parse("12.50")))
                .append("binary", new BsonBinary(new byte[] {1, 2, 3}))
                .append("timestamp", new BsonTimestamp(1_795_308_284, 3))
                .append("array", new BsonArray(List.of(new BsonInt32(1), new BsonString("x"),
                        new BsonDocument("nested", new BsonArray()))))
                .append("empty", new BsonDocument());
        JsonNode tree = MetadataBson.toTree(doc);
        assertEquals(viaText(doc), tree);
        // the written text reads back to the same tree
        assertEquals(tree, MetadataJson.mapper().readTree(MetadataJson.write(tree)));
        assertTrue(tree.get("int64Large").isLong());
        assertTrue(tree.get("int64Small").isInt());
        assertEquals("NaN", tree.get("nan").get("$numberDouble").asText());
    }

    @Test
    void objectMetadataFromBsonEqualsTheParsedText() {
        for (Fixtures.StoredDoc stored : Fixtures.finalDump()) {
            if (stored.collection().startsWith("__")) {
                continue;
            }
            ObjectMetadata fromText = ObjectMetadata.parse(stored.value().toJson(MetadataBson.RELAXED));
            ObjectMetadata fromBson = ObjectMetadata.fromBson(stored.value());
            assertEquals(fromText.toJson(), fromBson.toJson(), stored.toString());
        }
    }
}
