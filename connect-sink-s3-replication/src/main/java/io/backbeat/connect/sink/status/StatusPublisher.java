package io.backbeat.connect.sink.status;

import java.util.concurrent.CompletableFuture;

import io.backbeat.connect.model.StatusEvent;

/** Sends status events; the future completes once the event is durably acknowledged. */
public interface StatusPublisher extends AutoCloseable {

    CompletableFuture<Void> publish(StatusEvent event);

    @Override
    void close();
}
