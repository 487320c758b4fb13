package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.JsonText;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import java.io.StringReader;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * One {@code POST {baseUrl}/embeddings} of an {@link OpenAiCompatibleProvider}: the request body (model, the
 * client's {@code input}, {@code encoding_format}, {@code dimensions} and {@code user} as sent), the reply buffered
 * by Jetty's client without a waiting thread up to {@value #MAX_REPLY_BYTES} bytes (beyond: 502
 * {@code upstream_protocol_error}), the whole call bounded by the provider's {@code timeoutMs} (504
 * {@code upstream_timeout}). Failures map as for chat ({@link UpstreamErrors}). A traced request's
 * {@code traceparent} / {@code tracestate} go with it ({@link EmbeddingRequest#trace()}). Ends once: the sink's one
 * call, or a cancel that tells it nothing.
 */
final class EmbeddingCall implements Cancellable {
    /** Largest upstream embeddings reply read, bytes. */
    static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

    private final EmbeddingSink sink;
    private final OpenAiCompatibleProvider provider;
    private final JsonReaderFactory readers;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Request request;

    EmbeddingCall(EmbeddingSink sink, OpenAiCompatibleProvider provider, JsonReaderFactory readers) {
        this.sink = sink;
        this.provider = provider;
        this.readers = readers;
    }

    void start(HttpClient client, java.net.URI endpoint, String authorization, EmbeddingRequest call) {
        Request r = client.newRequest(endpoint).method(HttpMethod.POST)
                .timeout(provider.timeoutMs(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, "application/json");
                    if (authorization != null) {
                        h.put(HttpHeader.AUTHORIZATION, authorization);
                    }
                    call.trace().headers(h::put);
                })
                .body(new StringRequestContent("application/json", body(call)));
        request = r;
        r.send(new BufferingResponseListener(MAX_REPLY_BYTES) {
            @Override
            public void onComplete(Result result) {
                finish(result, getContentAsString(StandardCharsets.UTF_8));
            }
        });
    }

    static String body(EmbeddingRequest call) {
        StringBuilder b = new StringBuilder(256).append("{\"model\":");
        JsonText.quote(b, call.model());
        b.append(",\"input\":").append(call.input().toString());
        if (call.encodingFormat() != null) {
            b.append(",\"encoding_format\":");
            JsonText.quote(b, call.encodingFormat());
        }
        if (call.dimensions() != null) {
            b.append(",\"dimensions\":").append(call.dimensions());
        }
        if (call.user() != null) {
            b.append(",\"user\":");
            JsonText.quote(b, call.user());
        }
        return b.append('}').toString();
    }

    private void finish(Result result, String body) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (result.isFailed()) {
            Throwable t = result.getFailure();
            int status = result.getResponse() == null ? 0 : result.getResponse().getStatus();
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                sink.onError(UpstreamErrors.timeout(provider.timeoutMs()));
            } else if (status >= 200 && status < 300 && t instanceof IllegalArgumentException) {
                sink.onError(UpstreamErrors.protocol("an embeddings reply over " + MAX_REPLY_BYTES + " bytes"));
            } else {
                sink.onError(UpstreamErrors.unavailable());
            }
            return;
        }
        int status = result.getResponse().getStatus();
        if (status < 200 || status >= 300) {
            String retryAfter = result.getResponse().getHeaders().get(HttpHeader.RETRY_AFTER);
            sink.onError(provider.statusError(status, body, retryAfter));
            return;
        }
        JsonObject reply;
        try (JsonReader reader = readers.createReader(new StringReader(body))) {
            reply = reader.readObject();
        } catch (RuntimeException e) {
            sink.onError(UpstreamErrors.protocol("an embeddings reply that is not a JSON object"));
            return;
        }
        if (!(reply.get("data") instanceof jakarta.json.JsonArray)) {
            sink.onError(UpstreamErrors.protocol("an embeddings reply without a data array"));
            return;
        }
        sink.onEmbeddings(reply);
    }

    @Override
    public void cancel() {
        if (ended.compareAndSet(false, true)) {
            Request r = request;
            if (r != null) {
                r.abort(new ApiException(499, "api_error", null, null, "cancelled"));
            }
        }
    }
}
