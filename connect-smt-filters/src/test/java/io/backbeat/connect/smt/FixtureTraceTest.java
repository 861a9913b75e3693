package io.backbeat.connect.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Function;

import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every entry derived from the real CloudServer 8.8 trace, through the filters: the expected lists are
 * written out from the scenario (fixtures README, steps a–i). Labels: trace seq, type, Kafka key, and B/M/V
 * for bucket entry, master key, version key.
 */
class FixtureTraceTest {

    private static List<FixtureEntries.Derived> entries;

    @BeforeAll
    static void derive() {
        entries = FixtureEntries.derive();
    }

    @Test
    void derivationCoversTheWholeScenario() {
        assertEquals(List.of(
                "2 put src B", "5 put src B", "6 put src B", "7 put src B", "8 put plain B", "11 put plain B",
                // b. put k1 twice, put dir/k2
                "12 put src/k1 V", "13 put src/k1 M", "14 put src/k1 V", "15 put src/k1 M",
                "16 put src/dir/k2 V", "17 put src/dir/k2 M",
                // c. put and delete tagging on k1 (latest)
                "18 put src/k1 V", "19 put src/k1 M", "20 put src/k1 V", "21 put src/k1 M",
                // d. multipart upload of big
                "28 put src/big V", "29 put src/big M",
                // e. delete marker on k1 (master removed); permanent delete of dir/k2 (placeholders skipped)
                "39 put src/k1 V", "40 delete src/k1 M", "42 delete src/dir/k2 V", "45 delete src/dir/k2 M",
                // f. non-versioned bucket: put, overwrite, delete
                "46 put plain/p1 M", "47 put plain/p1 M", "48 delete plain/p1 M",
                // g. copy k3; h. status write-back on k1 v1; i. rule disabled, put k4
                "49 put src/k3 V", "50 put src/k3 M", "51 put src/k1 V", "52 put src B",
                "53 put src/k4 V", "54 put src/k4 M"),
                labels(r -> r));
    }

    @Test
    void replicationFilterKeepsThePendingVersions() {
        List<String> expected = List.of(
                "12 put src/k1 V", "14 put src/k1 V", "16 put src/dir/k2 V",
                "18 put src/k1 V", "20 put src/k1 V", // tagging: metadata-only entries
                "28 put src/big V",
                "39 put src/k1 V", // delete marker
                "49 put src/k3 V");
        assertEquals(expected, labels(transform(new ReplicationFilter<>(), "site", "zenko")));
        assertEquals(expected, labels(transform(new ReplicationFilter<>())));
        assertEquals(List.of(), labels(transform(new ReplicationFilter<>(), "site", "aws-west")));
        assertEquals(List.of(), labels(transform(new ReplicationFilter<>(), "site", "zenko",
                "cold.locations", "us-east-1")));
    }

    @Test
    void replicationFilterCanPassBucketEntries() {
        assertEquals(List.of("2 put src B", "5 put src B", "6 put src B", "7 put src B", "8 put plain B",
                "11 put plain B", "12 put src/k1 V", "14 put src/k1 V", "16 put src/dir/k2 V", "18 put src/k1 V",
                "20 put src/k1 V", "28 put src/big V", "39 put src/k1 V", "49 put src/k3 V", "52 put src B"),
                labels(transform(new ReplicationFilter<>(), "site", "zenko", "bucket.entries", "keep")));
    }

    @Test
    void keyNameFilter() {
        assertEquals(List.of(), labels(transform(new KeyNameFilter<>())));
        assertEquals(List.of("12 put src/k1 V", "13 put src/k1 M", "14 put src/k1 V", "15 put src/k1 M",
                "18 put src/k1 V", "19 put src/k1 M", "20 put src/k1 V", "21 put src/k1 M", "39 put src/k1 V",
                "40 delete src/k1 M", "51 put src/k1 V"),
                labels(transform(new KeyNameFilter<>(), "key.pattern", "^k1$")));
    }

    @Test
    void predicates() {
        assertEquals(List.of("39 put src/k1 V"), labels(matching(new IsDeleteMarker<>())));
        assertEquals(List.of("8 put plain B", "11 put plain B", "46 put plain/p1 M", "47 put plain/p1 M",
                "48 delete plain/p1 M"), labels(matching(new BucketNameMatches<>(), "pattern", "^plain$")));
        assertEquals(List.of("16 put src/dir/k2 V", "17 put src/dir/k2 M", "42 delete src/dir/k2 V",
                "45 delete src/dir/k2 M"), labels(matching(new KeyNameMatches<>(), "pattern", "^dir/")));
        assertEquals(List.of("2 put src B", "5 put src B", "6 put src B", "7 put src B", "8 put plain B",
                "11 put plain B", "52 put src B"), labels(matching(new IsBucketEntry<>())));
        assertEquals(labels(transform(new ReplicationFilter<>(), "site", "zenko")),
                labels(matching(new ReplicationPendingForSite<>(), "site", "zenko")));
    }

    private static Function<SinkRecord, SinkRecord> transform(Transformation<SinkRecord> t, String... kv) {
        t.configure(props(kv));
        return t::apply;
    }

    private static Function<SinkRecord, SinkRecord> matching(Predicate<SinkRecord> p, String... kv) {
        p.configure(props(kv));
        return r -> p.test(r) ? r : null;
    }

    private static java.util.Map<String, String> props(String... kv) {
        java.util.Map<String, String> props = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return props;
    }

    private static List<String> labels(Function<SinkRecord, SinkRecord> f) {
        return entries.stream()
                .filter(d -> f.apply(Entries.record(d.entry())) != null)
                .map(FixtureEntries.Derived::label)
                .toList();
    }
}
