package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads a request body without blocking a container thread ({@link ReadListener}): bytes are taken only while the
 * container says they are there, so a client that uploads slowly costs memory, not a thread. At most
 * {@code gateway.http.maxBodyBytes}: a declared {@code Content-Length} above the limit is refused before the request
 * goes async (see {@link #tooLarge}), a chunked body as soon as it passes the limit (413). A body that has not
 * arrived within the async timeout ({@code gateway.http.streamTimeoutMs}) gets 408.
 *
 * <p>It is also the request's one {@link AsyncListener}, registered while the servlet's dispatch still runs (as the
 * Servlet API requires); once the body is read, {@link #handOff} passes the container's later events to the exchange.
 */
final class BodyReader implements ReadListener, AsyncListener {
    private static final System.Logger LOG = System.getLogger(BodyReader.class.getName());

    /** The body bytes; the array may be longer than the body: see {@link Body#length()}. */
    record Body(byte[] bytes, int length) {
    }

    private final AsyncContext async;
    private final ServletInputStream in;
    private final long maxBytes;
    private final Consumer<Body> onBody;
    private byte[] buf;
    private int len;
    private boolean done;
    private volatile AsyncListener next;

    private BodyReader(AsyncContext async, long maxBytes, long declared, Consumer<Body> onBody) throws IOException {
        this.async = async;
        this.maxBytes = maxBytes;
        this.onBody = onBody;
        this.buf = new byte[declared >= 0 ? (int) declared : (int) Math.min(8192, maxBytes)];
        this.in = async.getRequest().getInputStream();
    }

    /**
     * Starts reading the body of the async request; {@code onBody} runs on a container thread once all of it is
     * there. Errors (413, 408, a client that went away) are answered here and complete the request.
     *
     * @param declared the request's {@code Content-Length}, or -1; must not exceed {@code maxBytes}
     */
    static BodyReader start(AsyncContext async, long maxBytes, long declared, Consumer<Body> onBody)
            throws IOException {
        BodyReader reader = new BodyReader(async, maxBytes, declared, onBody);
        async.addListener(reader);
        reader.in.setReadListener(reader);
        return reader;
    }

    /** The exchange that now owns the request: it gets the container's timeout, error and completion events. */
    void handOff(AsyncListener exchange) {
        next = exchange;
    }

    static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "Request body is larger than the limit of " + maxBytes + " bytes.");
    }

    @Override
    public synchronized void onDataAvailable() throws IOException {
        while (!done && in.isReady()) {
            if (len == buf.length) {
                if (len >= maxBytes) {
                    if (in.read() < 0) {
                        return;
                    }
                    fail(tooLarge(maxBytes));
                    return;
                }
                buf = Arrays.copyOf(buf, (int) Math.min(maxBytes, Math.max(8192L, buf.length * 2L)));
            }
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                return;
            }
            len += n;
        }
    }

    @Override
    public void onAllDataRead() {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        onBody.accept(new Body(buf, len));
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        completeQuietly();
    }

    private void fail(ApiException e) {
        done = true;
        try {
            ApiErrors.send((HttpServletResponse) async.getResponse(), e);
        } catch (IOException | RuntimeException ignored) {
            // the client is gone; nothing to tell it
        }
        completeQuietly();
    }

    private void completeQuietly() {
        try {
            async.complete();
        } catch (IllegalStateException ignored) {
            // already completed
        }
    }

    // ---- AsyncListener: before the hand-off the reader answers; after it, the exchange does ----

    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
        AsyncListener exchange = next;
        if (exchange != null) {
            exchange.onTimeout(event);
            return;
        }
        synchronized (this) {
            if (done) {
                completeQuietly();
                return;
            }
            LOG.log(System.Logger.Level.DEBUG, "clawgate: request body did not arrive in time");
            fail(new ApiException(408, "invalid_request_error", null, "request_timeout",
                    "The request body did not arrive in time."));
        }
    }

    @Override
    public void onError(AsyncEvent event) throws IOException {
        AsyncListener exchange = next;
        if (exchange != null) {
            exchange.onError(event);
        } else {
            onError(event.getThrowable());
        }
    }

    @Override
    public void onComplete(AsyncEvent event) throws IOException {
        AsyncListener exchange = next;
        if (exchange != null) {
            exchange.onComplete(event);
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // never re-started
    }
}
