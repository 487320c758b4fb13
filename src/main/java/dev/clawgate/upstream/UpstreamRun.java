package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.Usage;
import dev.clawgate.time.Scheduler;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;

/**
 * One call to an OpenAI-compatible upstream over Jetty's client: the response listeners (headers: 2xx → stream,
 * else collect the error body; content: parse SSE as it comes; complete: end or failure), the silence timer, and the
 * cancel handle. Sink calls hold this object's monitor, so the sink sees one thread at a time; {@link #cancel()}
 * takes no lock. The content is read by a {@link ContentReader} on the thread that woke it (no hand-off), and the
 * sink is corked while the bytes at hand are parsed, so the events of one network read reach the client in one
 * write. After each chunk of a stream the next one is read only once the sink is ready
 * ({@link DeltaSink#whenReady}), so a slow client pauses the upstream read (and, through TCP, the upstream) instead
 * of queueing its stream in memory. It ends exactly once: {@link DeltaSink#onComplete()}, {@link DeltaSink#onError}
 * or a cancel (which tells the sink nothing and aborts the request, closing its connection). After a normal end the
 * rest of the response (its last chunk) is still read, so the connection goes back to the pool; an upstream that
 * keeps the response open after {@code [DONE]} for {@code timeoutMs} has its connection closed.
 * A 2xx whose {@code Content-Type} is not {@code text/event-stream} (an HTML page, a JSON body) is a protocol error
 * before anything reaches the client; each SSE line and event is bounded by {@link SseParser#DEFAULT_MAX_EVENT_BYTES}.
 * A call that asked for a non-streamed answer also takes JSON, gathered ({@link AnswerBody}) and decoded at the end.
 */
final class UpstreamRun implements Cancellable, ContentReader.Handler {
    /** Bytes of a non-2xx body read for its error message; the rest is not read. */
    static final int MAX_ERROR_BODY_BYTES = 16 * 1024;

    private final DeltaSink sink;
    private final ChunkDecoder decoder;
    private final OpenAiCompatibleProvider provider;
    private final SseParser parser;
    private volatile Request request;
    private volatile boolean terminated;
    private volatile boolean done;
    private volatile boolean opened;
    private volatile boolean exchangeEnded;
    private volatile long lastActivityNanos;
    private volatile boolean paused;
    private volatile Scheduler.Task timer;
    private Scheduler scheduler;
    private int status;
    /** Whether the sink was corked for the bytes at hand (under this object's monitor). */
    private boolean corked;
    private String retryAfter;
    private AnswerBody errorBody;
    /** Whether a non-streamed answer was asked for; its body while it arrives (under this monitor), else null. */
    private final boolean wholeAnswer;
    private AnswerBody answer;

    UpstreamRun(DeltaSink sink, ChunkDecoder decoder, OpenAiCompatibleProvider provider, boolean wholeAnswer) {
        this.sink = sink;
        this.decoder = decoder;
        this.provider = provider;
        this.parser = new SseParser(this::onEvent);
        this.wholeAnswer = wholeAnswer;
    }

    void start(Request call, Scheduler timerThread) {
        request = call;
        scheduler = timerThread;
        lastActivityNanos = scheduler.nanoTime();
        timer = scheduler.schedule(this::checkSilence, provider.timeoutMs(), TimeUnit.MILLISECONDS);
        call.onResponseHeaders(this::onHeaders).onResponseContentSource(this::onContentSource);
        try {
            call.send(this::onComplete);
        } catch (RuntimeException e) {
            cancel();
            throw e;
        }
    }

    // ---- response listeners (Jetty calls them in order, one at a time) ----

    private void onHeaders(Response response) {
        lastActivityNanos = scheduler.nanoTime();
        int code = response.getStatus();
        boolean success = code >= 200 && code < 300;
        String type = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        boolean whole = success && wholeAnswer && AnswerBody.json(type);
        if (success && !whole && !AnswerBody.eventStream(type)) {
            // an HTML error page (or a JSON body when a stream was asked for): the client gets a real 502
            fail(UpstreamErrors.protocol("a success answer that is not " + (wholeAnswer ? "JSON or " : "")
                    + "text/event-stream"));
            return;
        }
        synchronized (this) {
            if (terminated) {
                return;
            }
            status = code;
            if (success) {
                opened = true;
                answer = whole ? new AnswerBody(AnswerBody.MAX_BYTES) : null;
                sink.onOpen();
            } else {
                retryAfter = response.getHeaders().get(HttpHeader.RETRY_AFTER);
                errorBody = new AnswerBody(MAX_ERROR_BODY_BYTES);
            }
        }
    }

    /** The response has content: read it as it comes and as the sink can take it ({@link ContentReader}). */
    private void onContentSource(Response response, Content.Source content) {
        new ContentReader(response, content, this).start();
    }

    // ---- ContentReader.Handler: called by one thread at a time ----

    @Override
    public ContentReader.Step take(ByteBuffer bytes) {
        lastActivityNanos = scheduler.nanoTime();
        if (done) {
            return ContentReader.Step.READ_ON; // the answer is complete: read the rest, so the connection is reused
        }
        if (terminated) {
            return ContentReader.Step.STOP;
        }
        if (!opened) {
            if (collectErrorBody(bytes)) {
                failWithStatus();
                return ContentReader.Step.STOP;
            }
            return ContentReader.Step.READ_ON;
        }
        if (answer != null) {
            return collectAnswer(bytes) ? ContentReader.Step.READ_ON : ContentReader.Step.STOP;
        }
        synchronized (this) {
            if (!corked) {
                corked = true;
                sink.cork(); // the events of the bytes at hand reach the client in one write
            }
            try {
                parser.feed(bytes);
            } catch (ApiException e) {
                fail(e);
            } catch (SseParser.SseProtocolException e) {
                fail(UpstreamErrors.protocol(e.getMessage()));
            }
        }
        return done ? ContentReader.Step.READ_ON : terminated ? ContentReader.Step.STOP : ContentReader.Step.ASK_SINK;
    }

    @Override
    public synchronized void flush() {
        if (corked) {
            corked = false;
            sink.uncork();
        }
    }

    @Override
    public void whenReady(Runnable resume) {
        sink.whenReady(resume);
    }

    @Override
    public void waiting(boolean waiting) {
        if (!waiting) {
            lastActivityNanos = scheduler.nanoTime(); // time paused by a slow client is not upstream silence
        }
        paused = waiting;
    }

    /** Appends to the non-streamed answer; false (and the run failed) past {@link AnswerBody#MAX_BYTES}. */
    private boolean collectAnswer(ByteBuffer bytes) {
        boolean fits;
        synchronized (this) {
            fits = answer.add(bytes);
        }
        if (!fits) {
            fail(UpstreamErrors.protocol("a non-streamed answer larger than " + AnswerBody.MAX_BYTES + " bytes"));
        }
        return fits;
    }

    private synchronized boolean collectErrorBody(ByteBuffer bytes) { // true once the error body is full
        return !errorBody.add(bytes) || errorBody.full();
    }

    private void onEvent(byte[] data, int from, int to) {
        if (done) {
            return;
        }
        if (decoder.apply(data, from, to) == ChunkDecoder.Step.DONE) {
            complete();
        }
    }

    private void onComplete(Result result) {
        exchangeEnded = true;
        if (terminated) {
            Scheduler.Task t = timer;
            if (t != null) {
                t.cancel();
            }
            return;
        }
        if (result.isFailed()) {
            transportFailed(result.getFailure());
            return;
        }
        if (!opened) {
            failWithStatus();
            return;
        }
        synchronized (this) {
            if (answer != null) {
                try {
                    decoder.applyCompletion(answer.text());
                } catch (ApiException e) {
                    fail(e);
                    return;
                }
                complete(); // the whole answer is here, whatever its choices said
                return;
            }
            try {
                parser.end();
            } catch (ApiException e) {
                fail(e);
                return;
            } catch (SseParser.SseProtocolException e) {
                fail(UpstreamErrors.protocol(e.getMessage()));
                return;
            }
            if (decoder.finished()) {
                complete();
            } else {
                fail(UpstreamErrors.dropped());
            }
        }
    }

    // ---- ends ----

    private void transportFailed(Throwable t) {
        if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
            fail(UpstreamErrors.timeout(provider.timeoutMs()));
            return;
        }
        boolean refused;
        synchronized (this) {
            refused = errorBody != null;
        }
        if (refused) {
            failWithStatus();
        } else {
            fail(opened ? UpstreamErrors.dropped() : UpstreamErrors.unavailable());
        }
    }

    /** A non-2xx answer (or no headers at all): mapped from its status and the body read so far. */
    private void failWithStatus() {
        ApiException error;
        synchronized (this) {
            if (errorBody == null) {
                error = UpstreamErrors.unavailable();
            } else {
                error = provider.statusError(status, errorBody.text(), retryAfter);
            }
        }
        fail(error);
    }

    private void checkSilence() {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(provider.timeoutMs());
        synchronized (this) {
            if (terminated) {
                return;
            }
            long silent = paused ? 0 : scheduler.nanoTime() - lastActivityNanos;
            if (silent < timeoutNanos) {
                timer = scheduler.schedule(this::checkSilence, Math.max(1, timeoutNanos - silent),
                        TimeUnit.NANOSECONDS);
                return;
            }
        }
        fail(UpstreamErrors.timeout(provider.timeoutMs()));
    }

    /** Normal end: usage (when the upstream sent it), then completion. */
    private synchronized void complete() {
        if (terminated) {
            return;
        }
        done = true;
        terminate();
        if (!exchangeEnded) {
            timer = scheduler.schedule(this::abandonDrain, provider.timeoutMs(), TimeUnit.MILLISECONDS);
        }
        Usage usage = decoder.usage();
        if (usage != null) {
            sink.onUsage(usage);
        }
        sink.onComplete();
    }

    /** The upstream finished its answer but kept the response open for {@code timeoutMs}: close the connection. */
    private void abandonDrain() {
        if (!exchangeEnded) {
            abort();
        }
    }

    private void fail(ApiException error) {
        synchronized (this) {
            if (terminated) {
                return;
            }
            terminate();
            sink.onError(error);
        }
        abort();
    }

    private void terminate() {
        terminated = true;
        Scheduler.Task t = timer;
        if (t != null) {
            t.cancel();
        }
        provider.ended(this);
    }

    @Override
    public void cancel() {
        if (terminated) {
            return;
        }
        terminate();
        abort();
    }

    /** Aborts the exchange, which closes its connection: the upstream stops generating. */
    private void abort() {
        Request r = request;
        if (r != null) {
            r.abort(new AbortedRun());
        }
    }
}
