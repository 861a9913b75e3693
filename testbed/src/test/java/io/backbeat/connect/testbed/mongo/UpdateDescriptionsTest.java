package io.backbeat.connect.testbed.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.bson.Document;

class UpdateDescriptionsTest {

    private static Document doc(Object... keyValues) {
        Document doc = new Document();
        for (int i = 0; i < keyValues.length; i += 2) {
            doc.put((String) keyValues[i], keyValues[i + 1]);
        }
        return doc;
    }

    @Test
    void setReportsChangedPathsOnly() {
        Document before = doc("_id", "k", "value", doc("a", 1, "b", 2));
        Document after = doc("_id", "k", "value", doc("a", 1, "b", 3));
        Document spec = doc("$set", doc("_id", "k", "value.a", 1, "value.b", 3));
        Document description = UpdateDescriptions.describe(spec, before, after);
        assertEquals(doc("value.b", 3), description.get("updatedFields"));
        assertEquals(List.of(), description.get("removedFields"));
        assertEquals(List.of(), description.get("truncatedArrays"));
    }

    @Test
    void arrayOperatorsAndPositionalPathsReportTheWholeArray() {
        Document before = doc("_id", 1, "tags", List.of(doc("k", "a")), "n", 1);
        Document after = doc("_id", 1, "tags", List.of(doc("k", "b"), doc("k", "c")), "n", 2);
        Document spec = doc("$set", doc("tags.$.k", "b"), "$push", doc("tags", doc("k", "c")), "$inc", doc("n", 1));
        Document description = UpdateDescriptions.describe(spec, before, after);
        assertEquals(doc("tags", List.of(doc("k", "b"), doc("k", "c")), "n", 2), description.get("updatedFields"));
    }

    @Test
    void renameAndUnsetAreRemovals() {
        Document before = doc("_id", 1, "old", 5, "gone", true);
        Document after = doc("_id", 1, "new", 5);
        Document spec = doc("$rename", doc("old", "new"), "$unset", doc("gone", "", "never", ""));
        Document description = UpdateDescriptions.describe(spec, before, after);
        assertEquals(doc("new", 5), description.get("updatedFields"));
        assertEquals(List.of("old", "gone"), description.get("removedFields"));
    }

    @Test
    void unknownSpecificationFallsBackToATopLevelDiff() {
        Document before = doc("_id", 1, "a", 1, "b", 2);
        Document after = doc("_id", 1, "a", 9, "c", 3);
        Document description = UpdateDescriptions.describe(null, before, after);
        assertEquals(doc("a", 9, "c", 3), description.get("updatedFields"));
        assertEquals(List.of("b"), description.get("removedFields"));
    }
}
