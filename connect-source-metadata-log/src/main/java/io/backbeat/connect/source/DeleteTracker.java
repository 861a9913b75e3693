package io.backbeat.connect.source;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers documents whose delete is under way, so that CloudServer's three-write delete yields one entry.
 *
 * <p>CloudServer deletes an object by first flagging the document {@code value.deleted: true} (findAndModify,
 * then an update with the full metadata) and then removing it. The first flagged write carrying metadata is
 * the delete entry; further flagged writes and the final bare delete of the same document are follow-ups and
 * produce nothing. A bare delete that was not announced this way (plain delete, delete-marker master removal)
 * is an entry of its own with no metadata.
 *
 * <p>The state travels in every source offset, so a restart between the flagged write and the removal still
 * drops the removal. It stays tiny: an id lives here only for the milliseconds between the writes. Ids whose
 * removal never came (a CloudServer crash mid-delete) are evicted after {@link #MAX_AGE_SECONDS} of cluster
 * time or beyond {@link #MAX_ENTRIES}; a removal seen after that becomes a (harmless, logged) second entry.
 */
final class DeleteTracker {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteTracker.class);
    static final int MAX_ENTRIES = 10_000;
    static final long MAX_AGE_SECONDS = 3600;

    /** Where a document's delete stands. */
    enum State {
        /** Flagged deleted, but no write with metadata seen yet (metadata was no longer readable). */
        STARTED("S"),
        /** The delete entry was produced (or the document was a placeholder whose delete is no entry). */
        SENT("E");

        final String code;

        State(String code) {
            this.code = code;
        }

        static State of(String code) {
            for (State s : values()) {
                if (s.code.equals(code)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown delete state '" + code + "'");
        }
    }

    private record Mark(State state, long seconds) {
    }

    private final LinkedHashMap<String, Mark> marks = new LinkedHashMap<>();

    State state(String collection, String id) {
        Mark m = marks.get(key(collection, id));
        return m == null ? null : m.state;
    }

    void mark(String collection, String id, State state, long clusterSeconds) {
        String k = key(collection, id);
        marks.remove(k); // re-insert: keep insertion order = age order
        marks.put(k, new Mark(state, clusterSeconds));
        evict(clusterSeconds);
    }

    /** Forgets the id and returns what was known (null when nothing). */
    State remove(String collection, String id) {
        Mark m = marks.remove(key(collection, id));
        return m == null ? null : m.state;
    }

    int size() {
        return marks.size();
    }

    boolean isEmpty() {
        return marks.isEmpty();
    }

    void clear() {
        marks.clear();
    }

    private void evict(long nowSeconds) {
        Iterator<Map.Entry<String, Mark>> it = marks.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Mark> e = it.next();
            boolean tooOld = nowSeconds - e.getValue().seconds > MAX_AGE_SECONDS;
            if (!tooOld && marks.size() <= MAX_ENTRIES) {
                break;
            }
            LOG.warn("Forgetting the unfinished delete of {} (flagged at cluster second {}); a later removal of "
                    + "this document will produce a delete entry without metadata", display(e.getKey()),
                    e.getValue().seconds);
            it.remove();
        }
    }

    /** Compact JSON for the source offset; empty string when nothing is pending. */
    String serialize() {
        if (marks.isEmpty()) {
            return "";
        }
        BsonArray a = new BsonArray();
        marks.forEach((k, m) -> {
            int sep = k.indexOf('\0');
            a.add(new BsonArray(java.util.List.of(new BsonString(k.substring(0, sep)),
                    new BsonString(k.substring(sep + 1)), new BsonString(m.state.code), new BsonInt64(m.seconds))));
        });
        return new BsonDocument("d", a).toJson();
    }

    /** Reads {@link #serialize()}'s output. */
    static DeleteTracker parse(String text) {
        DeleteTracker t = new DeleteTracker();
        if (text == null || text.isEmpty()) {
            return t;
        }
        try {
            BsonArray a = BsonDocument.parse(text).getArray("d");
            for (BsonValue v : a) {
                BsonArray e = v.asArray();
                t.marks.put(key(e.get(0).asString().getValue(), e.get(1).asString().getValue()),
                        new Mark(State.of(e.get(2).asString().getValue()), e.get(3).asNumber().longValue()));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("pending_deletes is not the connector's format "
                    + "({\"d\":[[collection, id, \"S\"|\"E\", clusterSeconds], ...]}): " + e.getMessage(), e);
        }
        return t;
    }

    private static String key(String collection, String id) {
        return collection + '\0' + id;
    }

    private static String display(String key) {
        return key.replace('\0', '/').replace('\u007f', '~');
    }
}
