package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import dev.clawgate.time.Scheduler;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads a request body without blocking a container thread ({@link ReadListener}): bytes are taken only while the
 * container says they are there, so a client that uploads slowly costs memory, not a thread, and only as much memory
 * as it has sent. The buffer starts at {@value #INITIAL_BYTES} bytes (less when the declared length is smaller) and
 * doubles as bytes arrive, never past the declared {@code Content-Length} or {@code gateway.http.maxBodyBytes}; a
 * declared length is a promise, never a reason to allocate. Each allocation is first reserved from the gateway-wide
 * {@link BodyBudget} ({@code gateway.http.maxBodyBytesInFlight}; 503 when it is spent) and given back once the body
 * has been handed over and parsed, or the read has failed.
 *
 * <p>Bounds: a declared {@code Content-Length} above {@code maxBodyBytes} is refused before the request goes async
 * (see {@link #tooLarge}), a chunked body as soon as it passes the limit (413). The whole body must arrive within
 * {@code gateway.http.bodyTimeoutMs} of the start, on the gateway's {@link dev.clawgate.time.Scheduler} (408
 * {@code request_timeout}); the container's async timeout ({@code streamTimeoutMs}) answers the same if it fires
 * first. Every such refusal carries {@code Connection: close}: the rest of the body is never read
 * ({@link UnreadBody}).
 *
 * <p>It is also the request's one {@link AsyncListener}, registered while the servlet's dispatch still runs (as the
 * Servlet API requires); once the body is read, {@link #handOff} passes the container's later events to the exchange.
 */
final class BodyReader implements ReadListener, AsyncListener {
    private static final System.Logger LOG = System.getLogger(BodyReader.class.getName());
    /** The first buffer's size, bytes; it doubles from there as bytes arrive. */
    static final int INITIAL_BYTES = 16 * 1024;

    /** The body bytes; the array may be longer than the body: see {@link Body#length()}. */
    record Body(byte[] bytes, int length) {
    }

    private final AsyncContext async;
    private final ServletInputStream in;
    private final long maxBytes;
    private final long declared;
    private final BodyBudget budget;
    private final Consumer<Body> onBody;
    private byte[] buf;
    private int len;
    /** Bytes of {@link #budget} this reader holds: the capacity of {@link #buf}. */
    private long reserved;
    private boolean done;
    private Scheduler.Task deadline;
    private volatile AsyncListener next;

    private BodyReader(AsyncContext async, BodyLimits limits, long declared, Consumer<Body> onBody)
            throws IOException {
        this.async = async;
        this.maxBytes = limits.maxBytes();
        this.declared = declared;
        this.budget = limits.budget();
        this.onBody = onBody;
        int initial = (int) Math.min(INITIAL_BYTES, declared >= 0 ? Math.min(declared, maxBytes) : maxBytes);
        if (!budget.tryReserve(initial)) {
            UnreadBody.closeAfter((HttpServletResponse) async.getResponse()); // the body stays unread
            throw BodyBudget.exhausted();
        }
        this.reserved = initial;
        this.buf = new byte[initial];
        try {
            this.in = async.getRequest().getInputStream();
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
    }

    /**
     * Starts reading the body of the async request; {@code onBody} runs on a container thread once all of it is
     * there. Errors (413, 408, 503 from the budget later on, a client that went away) are answered here and complete
     * the request.
     *
     * @param declared the request's {@code Content-Length}, or -1; must not exceed {@code limits.maxBytes()}
     * @throws ApiException 503 when the {@link BodyBudget} cannot hold even the first buffer (nothing was started)
     */
    static BodyReader start(AsyncContext async, BodyLimits limits, long declared, Consumer<Body> onBody)
            throws IOException {
        BodyReader reader = new BodyReader(async, limits, declared, onBody);
        async.addListener(reader);
        synchronized (reader) {
            reader.deadline = limits.scheduler().schedule(reader::onDeadline, limits.timeoutMs(),
                    TimeUnit.MILLISECONDS);
        }
        reader.in.setReadListener(reader);
        return reader;
    }

    /** The exchange that now owns the request: it gets the container's timeout, error and completion events. */
    void handOff(AsyncListener exchange) {
        next = exchange;
    }

    /** The buffer's capacity now, bytes (0 once the read is over). */
    synchronized int capacity() {
        return buf == null ? 0 : buf.length;
    }

    static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "Request body is larger than the limit of " + maxBytes + " bytes.");
    }

    static ApiException timedOut() {
        return new ApiException(408, "invalid_request_error", null, "request_timeout",
                "The request body did not arrive in time.");
    }

    @Override
    public synchronized void onDataAvailable() throws IOException {
        while (!done && in.isReady()) {
            if (len == buf.length && !makeRoom()) {
                return;
            }
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                return;
            }
            len += n;
        }
    }

    /**
     * The buffer is full and the container says more may be there: grows it (doubling, at most to the declared
     * length or {@code maxBytes}, reserved from the budget first). False when no more bytes are to be read: the
     * body ended, or the read failed (413, 503) and was answered.
     */
    private boolean makeRoom() throws IOException {
        int extra = -1;
        if (len >= maxBytes || declared >= 0 && len >= declared) {
            extra = in.read();
            if (extra < 0) {
                return false;
            }
            if (len >= maxBytes) {
                fail(tooLarge(maxBytes));
                return false;
            }
        }
        long want = Math.max(INITIAL_BYTES, 2L * len);
        if (declared > len) {
            want = Math.min(want, declared);
        }
        want = Math.min(want, maxBytes);
        if (!budget.tryReserve(want - buf.length)) {
            LOG.log(System.Logger.Level.DEBUG, "clawgate: body budget spent; refusing a body");
            fail(BodyBudget.exhausted());
            return false;
        }
        reserved += want - buf.length;
        buf = Arrays.copyOf(buf, (int) want);
        if (extra >= 0) {
            buf[len++] = (byte) extra;
        }
        return true;
    }

    @Override
    public void onAllDataRead() {
        Body body;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            cancelDeadline();
            body = new Body(buf, len);
        }
        try {
            onBody.accept(body);
        } finally {
            synchronized (this) {
                release();
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            cancelDeadline();
            release();
        }
        completeQuietly();
    }

    /** The body deadline ({@code bodyTimeoutMs}), on the gateway's timer. */
    private synchronized void onDeadline() {
        if (!done) {
            LOG.log(System.Logger.Level.DEBUG, "clawgate: request body did not arrive in time");
            fail(timedOut());
        }
    }

    /** Answers {@code e} and completes the request; the caller holds the lock and the read was not done. */
    private void fail(ApiException e) {
        done = true;
        cancelDeadline();
        release();
        try {
            HttpServletResponse response = (HttpServletResponse) async.getResponse();
            UnreadBody.closeAfter(response); // what is left of the body is not read: the connection ends here
            ApiErrors.send(response, e);
        } catch (IOException | RuntimeException ignored) {
            // the client is gone; nothing to tell it
        }
        completeQuietly();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }

    /** Gives the buffer's bytes back to the budget, once. */
    private void release() {
        budget.release(reserved);
        reserved = 0;
        buf = null;
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
            fail(timedOut());
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
            return;
        }
        synchronized (this) {
            if (!done) {
                // completed under the reader (the container gave up on the request): stop and give the bytes back
                done = true;
                cancelDeadline();
                release();
            }
        }
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // never re-started
    }
}
