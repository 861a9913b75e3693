package io.backbeat.connect.testbed.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;

/**
 * Queries the stand-in answers from its {@code _id} index (one id with other conditions, an id range): the same
 * documents as a scan of the collection. The scan is asked for the same filter wrapped in {@code $and}, a query
 * the index does not take.
 */
class StandInQueryTest {

    private static final String VERSION = "\u007fV";

    private static MongoStandIn mongo;
    private static MongoClient client;
    private static MongoCollection<Document> bucket;

    @BeforeAll
    static void start() {
        mongo = MongoStandIn.launch();
        client = MongoClients.create(mongo.connectionString());
        bucket = client.getDatabase("metadata").getCollection("bucket");
        List<Document> docs = new ArrayList<>();
        for (String key : List.of("a", "b", "c", "d", "e", "photo.jpg", "photo.jpg2")) {
            docs.add(new Document("_id", key).append("value", new Document("versionId", "v1")));
            for (String v : List.of("v1", "v2", "v3")) {
                docs.add(new Document("_id", VERSION + key + "\u0000" + v).append("value",
                        new Document("versionId", v).append("deleted", v.equals("v1"))));
            }
        }
        docs.add(new Document("_id", 1).append("value", new Document()));
        docs.add(new Document("_id", 2.5).append("value", new Document()));
        docs.add(new Document("_id", new Document("k", "a")).append("value", new Document()));
        bucket.insertMany(docs);
    }

    @AfterAll
    static void stop() {
        client.close();
        mongo.close();
    }

    private static List<Object> ids(Bson filter) {
        List<Object> out = new ArrayList<>();
        bucket.find(filter).sort(Sorts.ascending("_id")).forEach(d -> out.add(d.get("_id")));
        return out;
    }

    /** What the index answers, checked against a scan of the collection and against what it must be. */
    private static void assertAnswers(Bson filter, List<Object> expected) {
        assertEquals(expected, ids(filter), filter.toString());
        assertEquals(expected, ids(Filters.and(filter, Filters.exists("_id"))), "scan: " + filter);
    }

    @Test
    void rangesOnIdAreAnsweredWithTheirBounds() {
        assertAnswers(Filters.and(Filters.gt("_id", "b"), Filters.lt("_id", "e")), List.of("c", "d"));
        assertAnswers(Filters.and(Filters.gte("_id", "b"), Filters.lte("_id", "d")), List.of("b", "c", "d"));
        assertAnswers(Filters.gte("_id", "photo.jpg"), List.of("photo.jpg", "photo.jpg2",
                VERSION + "a\u0000v1", VERSION + "a\u0000v2", VERSION + "a\u0000v3", VERSION + "b\u0000v1",
                VERSION + "b\u0000v2", VERSION + "b\u0000v3", VERSION + "c\u0000v1", VERSION + "c\u0000v2",
                VERSION + "c\u0000v3", VERSION + "d\u0000v1", VERSION + "d\u0000v2", VERSION + "d\u0000v3",
                VERSION + "e\u0000v1", VERSION + "e\u0000v2", VERSION + "e\u0000v3",
                VERSION + "photo.jpg\u0000v1", VERSION + "photo.jpg\u0000v2", VERSION + "photo.jpg\u0000v3",
                VERSION + "photo.jpg2\u0000v1", VERSION + "photo.jpg2\u0000v2", VERSION + "photo.jpg2\u0000v3"));
        assertAnswers(Filters.lt("_id", "b"), List.of("a"));
        // several bounds on one side: the tightest wins
        assertAnswers(new Document("_id", new Document("$gt", "a").append("$gte", "b").append("$lt", "e")
                .append("$lte", "z")), List.of("b", "c", "d"));
        assertAnswers(new Document("_id", new Document("$gte", "c").append("$gt", "c").append("$lte", "d")),
                List.of("d"));
        // empty and inverted ranges
        assertAnswers(new Document("_id", new Document("$gt", "c").append("$lt", "c")), List.of());
        assertAnswers(new Document("_id", new Document("$gt", "e").append("$lt", "b")), List.of());
        assertAnswers(new Document("_id", new Document("$gte", "c").append("$lte", "c")), List.of("c"));
    }

    @Test
    void aRangeTakesOnlyTheIdsWithinItsBoundsFromTheIndex() {
        java.util.NavigableMap<Object, Integer> index = new java.util.TreeMap<>(
                de.bwaldvogel.mongo.backend.ValueComparator.asc());
        for (int i = 0; i < 1000; i++) {
            index.put(String.format("key-%04d", i), i);
        }
        index.put(7, 1000);
        var range = StandInCollection.idRange(index, new de.bwaldvogel.mongo.bson.Document("$gte", "key-0500")
                .append("$gt", "key-0400").append("$lt", "key-0503"));
        assertEquals(List.of("key-0500", "key-0501", "key-0502"), new ArrayList<>(range.keySet()),
                "the documents examined are the range's, not the collection's");
        assertEquals(List.of(), new ArrayList<>(StandInCollection.idRange(index,
                new de.bwaldvogel.mongo.bson.Document("$gt", "key-0600").append("$lte", "key-0100")).keySet()));
    }

    @Test
    void naturalOrderIsStillInsertionOrder() {
        MongoCollection<Document> c = client.getDatabase("metadata").getCollection("natural");
        for (String id : List.of("m", "b", "x", "c")) {
            c.insertOne(new Document("_id", id));
        }
        List<Object> found = new ArrayList<>();
        c.find(Filters.gte("_id", "b")).sort(new Document("$natural", 1)).forEach(d -> found.add(d.get("_id")));
        assertEquals(List.of("m", "b", "x", "c"), found);
    }

    @Test
    void aRangeMatchesOnlyValuesOfItsType() {
        assertAnswers(Filters.gt("_id", 0), List.of(1, 2.5));
        assertAnswers(Filters.lt("_id", "b"), List.of("a"));
        assertAnswers(Filters.gte("_id", new Document("k", "a")), List.of(new Document("k", "a")));
    }

    @Test
    void aKeysVersionsAreFoundWithTheRestOfTheQuery() {
        // how the source site finds an object's latest live version: its versions' range, not deleted, first
        Bson latestLive = Filters.and(Filters.gt("_id", VERSION + "photo.jpg\u0000"),
                Filters.lt("_id", VERSION + "photo.jpg\u0001"),
                Filters.or(Filters.exists("value.deleted", false), Filters.eq("value.deleted", false)));
        assertAnswers(latestLive, List.of(VERSION + "photo.jpg\u0000v2", VERSION + "photo.jpg\u0000v3"));
        Document first = bucket.find(latestLive).sort(Sorts.ascending("_id")).limit(1).first();
        assertEquals(VERSION + "photo.jpg\u0000v2", first.get("_id"));
        // one id with other conditions
        assertAnswers(Filters.and(Filters.eq("_id", "a"), Filters.eq("value.versionId", "v1")), List.of("a"));
        assertAnswers(Filters.and(Filters.eq("_id", "a"), Filters.eq("value.versionId", "v2")), List.of());
    }

    @Test
    void theIndexFollowsInsertsAndDeletes() {
        MongoCollection<Document> other = client.getDatabase("metadata").getCollection("changing");
        for (int i = 0; i < 50; i++) {
            other.insertOne(new Document("_id", String.format("k%02d", i)).append("n", i));
        }
        other.deleteMany(Filters.and(Filters.gte("_id", "k10"), Filters.lt("_id", "k40")));
        other.insertOne(new Document("_id", "k25").append("n", 25));
        other.replaceOne(Filters.eq("_id", "k05"), new Document("_id", "k05").append("n", -5));
        other.updateOne(Filters.eq("_id", "k45"), new Document("$set", new Document("n", -45)));
        List<Object> found = new ArrayList<>();
        other.find(Filters.and(Filters.gte("_id", "k04"), Filters.lt("_id", "k46"), Filters.lt("n", 30)))
                .sort(Sorts.ascending("_id")).forEach(d -> found.add(d.get("_id") + "=" + d.get("n")));
        assertEquals(List.of("k04=4", "k05=-5", "k06=6", "k07=7", "k08=8", "k09=9", "k25=25", "k45=-45"), found);
        assertEquals(21, other.countDocuments(Filters.gte("_id", "k")), "50 written, 30 deleted, 1 written again");
    }
}
