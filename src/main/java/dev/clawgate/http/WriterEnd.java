package dev.clawgate.http;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * The container's timeout, error and completion events {@link AsyncWriter#ended() end} a writer, for an exchange with
 * no listener of its own (a stored-response read, a session delete): once the container has ended a request nothing
 * may be written for it, since the container recycles the response's objects when its listeners return.
 */
final class WriterEnd implements AsyncListener {
    private final AsyncWriter writer;

    WriterEnd(AsyncWriter writer) {
        this.writer = writer;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        writer.ended();
    }

    /** The store did not answer in time: end the request, and write nothing after. */
    @Override
    public void onTimeout(AsyncEvent event) {
        writer.ended();
    }

    @Override
    public void onError(AsyncEvent event) {
        writer.ended();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
