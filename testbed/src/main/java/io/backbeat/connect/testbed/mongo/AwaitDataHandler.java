package io.backbeat.connect.testbed.mongo;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.exception.MongoServerException;
import de.bwaldvogel.mongo.wire.MongoDatabaseHandler;
import de.bwaldvogel.mongo.wire.message.MessageHeader;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.backbeat.connect.testbed.mongo.ChangeStreamCursor.Batch;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Gives change-stream {@code getMore}s the awaitData behaviour of a real server without blocking an I/O
 * thread: when no event is ready the reply is deferred until the journal grows or the await time
 * ({@code maxTimeMS}, else the server default) runs out. Everything else passes through untouched.
 *
 * <p>mongo-java-server answers every request synchronously on the Netty event loop, so waiting there would
 * stall every other connection of that loop. This handler sits in front of its {@link MongoDatabaseHandler}
 * (installed on a connection's first command) and answers change-stream {@code getMore}s itself.
 */
final class AwaitDataHandler extends ChannelInboundHandlerAdapter {

    private static final String NAME = "changeStreamAwaitData";
    private static final AtomicInteger REPLY_IDS = new AtomicInteger(1 << 30);

    private final StandInBackend backend;

    private AwaitDataHandler(StandInBackend backend) {
        this.backend = backend;
    }

    /** Puts the handler in front of the channel's database handler, once. Runs on the channel's loop. */
    static void install(Channel channel, StandInBackend backend) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(NAME) != null) {
            return;
        }
        ChannelHandlerContext target = pipeline.context(MongoDatabaseHandler.class);
        if (target != null) {
            pipeline.addBefore(target.name(), NAME, new AwaitDataHandler(backend));
        }
        // without a database handler (unknown pipeline layout) the synchronous path answers without waiting
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MongoMessage message) {
            Document request = message.getDocument();
            String command = request.isEmpty() ? "" : request.keySet().iterator().next();
            if (command.equals("getMore") && request.get(command) instanceof Number id) {
                ChangeStreamCursor cursor = backend.changeStream(id.longValue());
                if (cursor != null) {
                    new PendingGetMore(ctx, message, cursor).attempt();
                    return;
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** One deferred getMore; all its steps run on the channel's event loop. */
    private final class PendingGetMore {

        private final ChannelHandlerContext ctx;
        private final MongoMessage request;
        private final ChangeStreamCursor cursor;
        private final int batchSize;
        private final long deadlineNanos;
        private final Runnable wakeUp;
        private ScheduledFuture<?> timeout;
        private boolean done;

        PendingGetMore(ChannelHandlerContext ctx, MongoMessage request, ChangeStreamCursor cursor) {
            this.ctx = ctx;
            this.request = request;
            this.cursor = cursor;
            Document query = request.getDocument();
            this.batchSize = StandInBackend.batchSize(query);
            long awaitMs = query.get("maxTimeMS") instanceof Number max && max.longValue() > 0
                    ? max.longValue()
                    : backend.defaultAwaitMs();
            this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(awaitMs);
            this.wakeUp = () -> ctx.executor().execute(this::attempt);
        }

        void attempt() {
            if (done) {
                return;
            }
            if (!ctx.channel().isActive()) {
                // the client went away: leave the cursor where it is, the driver resumes by token
                finish();
                return;
            }
            Document reply;
            try {
                Batch batch = backend.pollGetMore(cursor, batchSize);
                long remaining = deadlineNanos - System.nanoTime();
                if (batch.documents().isEmpty() && !batch.exhausted() && remaining > 0) {
                    waitForEvents(remaining);
                    return;
                }
                reply = backend.getMoreReply(cursor, batch);
            } catch (MongoServerException e) {
                reply = errorReply(e);
            } catch (RuntimeException e) {
                reply = errorReply(new MongoServerException("Unknown error: " + e.getMessage(), e));
            }
            finish();
            MessageHeader header = new MessageHeader(REPLY_IDS.incrementAndGet(), request.getHeader().getRequestID());
            ctx.writeAndFlush(new MongoMessage(ctx.channel(), header, reply));
        }

        private void waitForEvents(long remainingNanos) {
            ChangeEventLog journal = backend.journal();
            journal.cancelWaiter(wakeUp);
            journal.onNextAppend(wakeUp);
            if (timeout == null) {
                timeout = ctx.executor().schedule(this::attempt, remainingNanos, TimeUnit.NANOSECONDS);
            }
            if (journal.hasEventsAfter(cursor.position())) {
                // an event arrived between the read and the registration
                ctx.executor().execute(this::attempt);
            }
        }

        private void finish() {
            done = true;
            backend.journal().cancelWaiter(wakeUp);
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
    }

    /** The error document mongo-java-server's own handler would send. */
    private static Document errorReply(MongoServerException exception) {
        Document error = new Document();
        error.put("$err", exception.getMessageWithoutErrorCode());
        error.put("errmsg", exception.getMessageWithoutErrorCode());
        if (exception instanceof MongoServerError serverError) {
            error.put("code", serverError.getCode());
            error.putIfNotNull("codeName", serverError.getCodeName());
        }
        error.put("ok", 0);
        return error;
    }
}
