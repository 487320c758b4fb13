package dev.clawgate.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one {@link GatewayEvents} every filter and servlet is given: it forwards to the installed sink (metrics, or
 * nothing) and tells every request listener (the access log) about each finished request. The sink can be swapped
 * after start-up ({@link #sink(GatewayEvents)}); a failing listener never fails the request.
 */
public final class EventHub implements GatewayEvents {
    private static final System.Logger LOG = System.getLogger(EventHub.class.getName());

    private final List<Consumer<RequestRecord>> requestListeners = new CopyOnWriteArrayList<>();
    private volatile GatewayEvents sink = GatewayEvents.NONE;

    /** Installs the sink (null: none). */
    public void sink(GatewayEvents events) {
        this.sink = events == null ? GatewayEvents.NONE : events;
    }

    /** The installed sink, never null. */
    public GatewayEvents sink() {
        return sink;
    }

    /** Adds a listener told about every finished chat request. */
    public void onRequestFinished(Consumer<RequestRecord> listener) {
        requestListeners.add(listener);
    }

    @Override
    public void authFailed() {
        sink.authFailed();
    }

    @Override
    public void authLockedOut() {
        sink.authLockedOut();
    }

    @Override
    public void rateLimited() {
        sink.rateLimited();
    }

    @Override
    public void quotaRejected(String key, String kind) {
        sink.quotaRejected(key, kind);
    }

    @Override
    public void streamOpened(String agent) {
        sink.streamOpened(agent);
    }

    @Override
    public void streamClosed(String agent) {
        sink.streamClosed(agent);
    }

    @Override
    public void upstreamError(String agent, String kind) {
        sink.upstreamError(agent, kind);
    }

    @Override
    public void upstreamFallback(String agent, String from, String to) {
        sink.upstreamFallback(agent, from, to);
    }

    @Override
    public void stateStoreError(String kind) {
        sink.stateStoreError(kind);
    }

    @Override
    public void toolCalled(String agent, String server, String tool, String outcome, long durationNanos) {
        sink.toolCalled(agent, server, tool, outcome, durationNanos);
    }

    @Override
    public void mcpServerChanged(String server, boolean up) {
        sink.mcpServerChanged(server, up);
    }

    @Override
    public void requestFinished(RequestRecord record) {
        sink.requestFinished(record);
        for (Consumer<RequestRecord> l : requestListeners) {
            try {
                l.accept(record);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "clawgate: request listener failed: " + e.getClass().getName());
            }
        }
    }
}
