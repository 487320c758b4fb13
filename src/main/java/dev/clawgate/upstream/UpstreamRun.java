package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.Usage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One call to an OpenAI-compatible upstream: the response handler (2xx → stream, else error body), the body
 * subscriber (one buffer requested at a time, parsed as it comes), the silence timer, and the cancel handle.
 * Sink calls hold this object's monitor, so the sink sees one thread at a time; {@link #cancel()} takes no lock.
 * After each buffer the next one is requested only once the sink is ready ({@link DeltaSink#whenReady}), so a slow
 * client pauses the upstream read (and, through TCP, the upstream) instead of queueing its stream in memory.
 * It ends exactly once: {@link DeltaSink#onComplete()}, {@link DeltaSink#onError} or a cancel (which tells the
 * sink nothing).
 */
final class UpstreamRun implements Cancellable, HttpResponse.BodyHandler<Void> {
    /** Bytes of a non-2xx body read for its error message; the rest is not read. */
    static final int MAX_ERROR_BODY_BYTES = 16 * 1024;

    private final DeltaSink sink;
    private final ChunkDecoder decoder;
    private final OpenAiCompatibleProvider provider;
    private final SseParser parser;
    private volatile CompletableFuture<HttpResponse<Void>> future;
    private volatile Flow.Subscription subscription;
    private volatile boolean terminated;
    private volatile long lastActivityNanos;
    private volatile boolean done;
    private volatile boolean paused;
    private volatile ScheduledFuture<?> timer;
    private boolean opened;
    private ScheduledExecutorService scheduler;

    UpstreamRun(DeltaSink sink, ChunkDecoder decoder, OpenAiCompatibleProvider provider) {
        this.sink = sink;
        this.decoder = decoder;
        this.provider = provider;
        this.parser = new SseParser(this::onEvent);
    }

    void start(HttpClient client, HttpRequest request, ScheduledExecutorService timerThread) {
        scheduler = timerThread;
        lastActivityNanos = System.nanoTime();
        timer = scheduler.schedule(this::checkSilence, provider.timeoutMs(), TimeUnit.MILLISECONDS);
        CompletableFuture<HttpResponse<Void>> f;
        try {
            f = client.sendAsync(request, this);
        } catch (RuntimeException e) {
            cancel();
            throw e;
        }
        future = f;
        f.whenComplete((response, failure) -> {
            if (failure != null) {
                transportFailed(failure);
            }
        });
        if (terminated && !done) {
            f.cancel(true);
        }
    }

    // ---- response handler: called once the status line and headers are in ----

    @Override
    public BodySubscriber<Void> apply(ResponseInfo info) {
        lastActivityNanos = System.nanoTime();
        int status = info.statusCode();
        if (status >= 200 && status < 300) {
            synchronized (this) {
                if (!terminated) {
                    opened = true;
                    sink.onOpen();
                }
            }
            return new Body(true, null, 0);
        }
        return new Body(false, info.headers().firstValue("retry-after").orElse(null), status);
    }

    private void onEvent(String data) {
        if (done) {
            return;
        }
        if (decoder.apply(data) == ChunkDecoder.Step.DONE) {
            complete();
        }
    }

    /** The response body: SSE for a 2xx, else the start of an error body. */
    private final class Body implements BodySubscriber<Void> {
        private final boolean stream;
        private final String retryAfter;
        private final int status;
        private final CompletableFuture<Void> result = new CompletableFuture<>();
        private final ByteArrayOutputStream errorBody;

        Body(boolean stream, String retryAfter, int status) {
            this.stream = stream;
            this.retryAfter = retryAfter;
            this.status = status;
            this.errorBody = stream ? null : new ByteArrayOutputStream();
        }

        @Override
        public CompletionStage<Void> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (terminated && !done) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            lastActivityNanos = System.nanoTime();
            if (terminated && !done) {
                subscription.cancel();
                return;
            }
            if (stream) {
                synchronized (UpstreamRun.this) {
                    try {
                        for (ByteBuffer b : buffers) {
                            parser.feed(b);
                        }
                    } catch (ApiException e) {
                        fail(e);
                    } catch (SseParser.SseProtocolException e) {
                        fail(UpstreamErrors.protocol(e.getMessage()));
                    }
                }
            } else {
                for (ByteBuffer b : buffers) {
                    int n = Math.min(b.remaining(), MAX_ERROR_BODY_BYTES - errorBody.size());
                    byte[] bytes = new byte[n];
                    b.get(bytes);
                    errorBody.write(bytes, 0, n);
                }
                if (errorBody.size() >= MAX_ERROR_BODY_BYTES) {
                    subscription.cancel();
                    onComplete();
                    return;
                }
            }
            if (terminated && !done) {
                subscription.cancel();
            } else if (stream && !done) {
                paused = true;
                sink.whenReady(UpstreamRun.this::resume);
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.complete(null);
            if (stream) {
                fail(opened ? UpstreamErrors.dropped() : UpstreamErrors.unavailable());
            } else {
                fail(provider.statusError(status, errorBody.toString(StandardCharsets.UTF_8), retryAfter));
            }
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            result.complete(null);
            if (!stream) {
                fail(provider.statusError(status, errorBody.toString(StandardCharsets.UTF_8), retryAfter));
                return;
            }
            synchronized (UpstreamRun.this) {
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
    }

    /** The sink caught up: read on (time spent paused by a slow client is not upstream silence). */
    private void resume() {
        lastActivityNanos = System.nanoTime();
        paused = false;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.request(1);
        }
    }

    // ---- ends ----

    private void transportFailed(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (t instanceof CancellationException) {
            return;
        }
        if (t instanceof HttpTimeoutException) {
            fail(UpstreamErrors.timeout(provider.timeoutMs()));
            return;
        }
        boolean streaming;
        synchronized (this) {
            streaming = opened;
        }
        fail(streaming ? UpstreamErrors.dropped() : UpstreamErrors.unavailable());
    }

    private void checkSilence() {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(provider.timeoutMs());
        synchronized (this) {
            if (terminated) {
                return;
            }
            long silent = paused ? 0 : System.nanoTime() - lastActivityNanos;
            if (silent < timeoutNanos) {
                timer = scheduler.schedule(this::checkSilence, Math.max(1, timeoutNanos - silent),
                        TimeUnit.NANOSECONDS);
                return;
            }
        }
        fail(UpstreamErrors.timeout(provider.timeoutMs()));
        cancelTransport();
    }

    /** Normal end: usage (when the upstream sent it), then completion. */
    private synchronized void complete() {
        if (terminated) {
            return;
        }
        done = true;
        terminate();
        Usage usage = decoder.usage();
        if (usage != null) {
            sink.onUsage(usage);
        }
        sink.onComplete();
    }

    private void fail(ApiException error) {
        synchronized (this) {
            if (terminated) {
                return;
            }
            terminate();
            sink.onError(error);
        }
        cancelTransport();
    }

    private void terminate() {
        terminated = true;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        provider.ended(this);
    }

    @Override
    public void cancel() {
        if (terminated) {
            return;
        }
        terminate();
        cancelTransport();
    }

    private void cancelTransport() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        CompletableFuture<HttpResponse<Void>> f = future;
        if (f != null) {
            f.cancel(true);
        }
    }
}
