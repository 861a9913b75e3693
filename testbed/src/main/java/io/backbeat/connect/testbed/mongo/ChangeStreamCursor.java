package io.backbeat.connect.testbed.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import io.backbeat.connect.testbed.mongo.ChangeEvent.Namespace;
import io.backbeat.connect.testbed.mongo.ChangeEvent.OperationType;
import io.backbeat.connect.testbed.mongo.ChangeStreamRequest.Scope;

/**
 * A server-side change-stream cursor: a position in the journal plus what the client asked for.
 *
 * <p>Each batch scans the journal after the position, moves the position past every scanned event (also
 * those the scope or the client's {@code $match} drop, so the post-batch resume token advances on a quiet
 * stream like a real server's high-water mark), renders matching events as MongoDB 5.0 does, looks the
 * current document up for {@code updateLookup} at read time, and runs the client's stages.
 */
final class ChangeStreamCursor extends AbstractCursor {

    /** One reply's worth. */
    record Batch(List<Document> documents, Document postBatchResumeToken, boolean exhausted) {
    }

    /** Events scanned per journal read; a batch may take several reads when the stages filter a lot. */
    private static final int SCAN_CHUNK = 1000;
    /** Cap for "no batch size given" so a reply stays far below the 48 MB message limit. */
    static final int MAX_BATCH = 1000;

    private final ChangeEventLog log;
    private final Scope scope;
    private final boolean updateLookup;
    private final Aggregation pipeline;
    private final BiFunction<Namespace, Object, Document> lookup;

    private long position;
    private ChangeEvent pendingInvalidate;
    private ResumeToken postBatchResumeToken;
    private boolean closed;

    /**
     * @param position         journal position (exclusive) the stream starts after
     * @param invalidateFirst  the event whose invalidate must come first (resume from an invalidating event)
     * @param lookup           current document of a namespace by {@code _id}, null when gone
     */
    ChangeStreamCursor(long id, ChangeEventLog log, ChangeStreamRequest request, long position,
                       ChangeEvent invalidateFirst, BiFunction<Namespace, Object, Document> lookup) {
        super(id);
        this.log = log;
        this.scope = request.scope();
        this.updateLookup = request.updateLookup();
        this.pipeline = request.pipeline();
        this.lookup = lookup;
        this.position = position;
        this.pendingInvalidate = invalidateFirst;
        this.postBatchResumeToken = new ResumeToken(position, ResumeToken.Kind.HIGH_WATER_MARK);
    }

    Scope scope() {
        return scope;
    }

    /** Position the cursor has scanned up to; an awaiting reader re-checks when the journal grows past it. */
    synchronized long position() {
        return position;
    }

    /**
     * The next batch: up to {@code max} documents (0 or less: up to {@link #MAX_BATCH}).
     * Any error closes the cursor, as on a real server.
     */
    synchronized Batch nextBatch(int max) {
        int limit = max <= 0 ? MAX_BATCH : Math.min(max, MAX_BATCH);
        if (closed) {
            return new Batch(List.of(), postBatchResumeToken.toDocument(), true);
        }
        try {
            return scan(limit);
        } catch (RuntimeException e) {
            closed = true;
            throw e;
        }
    }

    private Batch scan(int limit) {
        List<Document> out = new ArrayList<>();
        long lastReturned = -1;
        if (pendingInvalidate != null) {
            emitInvalidate(out, pendingInvalidate);
            return new Batch(out, postBatchResumeToken.toDocument(), true);
        }
        scanning:
        while (true) {
            ChangeEventLog.Slice slice = log.readAfter(position, SCAN_CHUNK);
            for (ChangeEvent event : slice.events()) {
                position = event.clusterTime();
                if (scope.shows(event)) {
                    Optional<Document> rendered = applyPipeline(render(event));
                    if (rendered.isPresent()) {
                        out.add(rendered.get());
                        lastReturned = position;
                    }
                }
                if (scope.invalidatedBy(event)) {
                    if (out.size() < limit) {
                        emitInvalidate(out, event);
                        return new Batch(out, postBatchResumeToken.toDocument(), true);
                    }
                    pendingInvalidate = event;
                    break scanning;
                }
                if (out.size() >= limit) {
                    break scanning;
                }
            }
            if (slice.reachedEnd()) {
                position = Math.max(position, slice.clusterTime());
                break;
            }
        }
        postBatchResumeToken = lastReturned == position
                ? new ResumeToken(position, ResumeToken.Kind.EVENT)
                : new ResumeToken(position, ResumeToken.Kind.HIGH_WATER_MARK);
        return new Batch(out, postBatchResumeToken.toDocument(), false);
    }

    private void emitInvalidate(List<Document> out, ChangeEvent cause) {
        ResumeToken token = new ResumeToken(cause.clusterTime(), ResumeToken.Kind.INVALIDATE);
        Document invalidate = new Document("_id", token.toDocument());
        invalidate.put("operationType", OperationType.INVALIDATE.wireName());
        invalidate.put("clusterTime", new BsonTimestamp(cause.clusterTime()));
        invalidate.put("wallTime", Instant.ofEpochMilli(cause.wallTimeMs()));
        // the stream ends with the invalidate even when the client's stages filter it out
        applyPipeline(invalidate).ifPresent(out::add);
        pendingInvalidate = null;
        position = cause.clusterTime();
        postBatchResumeToken = token;
        closed = true;
    }

    private Document render(ChangeEvent event) {
        Document doc = new Document("_id", new ResumeToken(event.clusterTime(), ResumeToken.Kind.EVENT).toDocument());
        doc.put("operationType", event.type().wireName());
        doc.put("clusterTime", new BsonTimestamp(event.clusterTime()));
        doc.put("wallTime", Instant.ofEpochMilli(event.wallTimeMs()));
        switch (event.type()) {
            case INSERT, REPLACE -> {
                doc.put("fullDocument", event.document().cloneDeeply());
                putDocumentFields(doc, event);
            }
            case UPDATE -> {
                if (updateLookup) {
                    // resolved now, as a real server does when the event is read: null once the document is gone
                    doc.put("fullDocument", lookup.apply(event.ns(), event.documentId()));
                }
                putDocumentFields(doc, event);
                doc.put("updateDescription", event.updateDescription().cloneDeeply());
            }
            case DELETE -> putDocumentFields(doc, event);
            case DROP, DROP_DATABASE -> doc.put("ns", event.ns().toDocument());
            case RENAME -> {
                doc.put("ns", event.ns().toDocument());
                doc.put("to", event.to().toDocument());
            }
            default -> throw new IllegalStateException("not a journal event: " + event.type());
        }
        return doc;
    }

    private static void putDocumentFields(Document doc, ChangeEvent event) {
        doc.put("ns", event.ns().toDocument());
        doc.put("documentKey", new Document("_id", UpdateDescriptions.copy(event.documentId())));
    }

    private Optional<Document> applyPipeline(Document event) {
        if (pipeline == null) {
            return Optional.of(event);
        }
        Object token = event.get("_id");
        try (Stream<Document> result = pipeline.runStagesAsStream(Stream.of(event))) {
            Optional<Document> out = result.findFirst();
            if (out.isPresent() && !token.equals(out.get().get("_id"))) {
                throw StandInErrors.idModified(token, out.get().get("_id"));
            }
            return out;
        }
    }

    /** The post-batch resume token as of now, without reading (a first batch of size 0). */
    synchronized Document nextBatchToken() {
        return postBatchResumeToken.toDocument();
    }

    @Override
    public synchronized boolean isEmpty() {
        return closed;
    }

    @Override
    public List<Document> takeDocuments(int numberToReturn) {
        return nextBatch(numberToReturn).documents();
    }

    synchronized void close() {
        closed = true;
    }
}
