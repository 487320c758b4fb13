package dev.clawgate.upstream;

import dev.clawgate.config.GatewayConfig;
import dev.clawgate.config.GatewayConfig.ProviderSpec;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.JsonText;
import dev.clawgate.time.Scheduler;
import jakarta.json.Json;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * A provider with {@code api = openai-completions}: any server speaking OpenAI's Chat Completions protocol (Ollama,
 * vLLM, llama.cpp server, LM Studio, OpenAI). Configured by {@code models.providers.<name>.*}:
 * {@code baseUrl} (required; {@code /chat/completions} is appended), {@code apiKey} (sent as
 * {@code Authorization: Bearer}, never logged or echoed) [none], {@code timeoutMs}: the longest the upstream may stay
 * silent, before its response headers and between two bytes of its stream, ms [120000], {@code dropFields}: request
 * fields this upstream must not get (OpenAI's API refuses {@code top_k}, for one) [none].
 *
 * <p>Every run is one {@code POST {baseUrl}/chat/completions} with the agent's model name, the assembled messages,
 * {@code "stream": true}, {@code "stream_options": {"include_usage": true}} and every other field the client sent,
 * unchanged and in order (sampling, tools, {@code n}, {@code logprobs}, server extensions), less {@code dropFields};
 * the body is written as JSON text, without reflection. By default ({@code streaming = always}) the upstream is
 * streamed whatever the client asked, so the first token reaches the gateway at once, the silence timeout watches
 * every gap and the caller assembles a non-streaming reply; with {@code streaming = as-client} a client that does
 * not stream gets one non-streamed call ({@code "stream": false}, no {@code stream_options}, {@code Accept:
 * application/json}), decoded whole ({@link ChunkDecoder#applyCompletion}) — one body instead of a frame per token,
 * and {@code timeoutMs} then bounds the whole answer. A stream is still taken if such an upstream sends one. Non-blocking end to end: Jetty's {@code HttpClient} with an asynchronous content
 * listener that parses SSE as bytes arrive ({@link SseParser}, {@link ChunkDecoder}) and demands the next chunk only
 * when the client can take more; no thread waits on an upstream. The sink gets {@link DeltaSink#onOpen()} only once
 * the upstream answered 2xx; failures map as {@link UpstreamErrors} describes. {@link Cancellable#cancel()} aborts
 * the request, which closes its HTTP/1.1 connection, so the upstream stops generating. One client per provider;
 * its threads and their clean stop at undeploy: see {@link UpstreamHttp}. Embeddings:
 * {@code POST {baseUrl}/embeddings} ({@link EmbeddingCall}). Every call of a traced request carries its W3C
 * {@code traceparent} and {@code tracestate} headers ({@link UpstreamRequest#trace()},
 * {@link EmbeddingRequest#trace()}).
 */
public final class OpenAiCompatibleProvider implements ChatProvider {
    private final String name;
    private final URI endpoint;
    private final URI embeddings;
    private final String apiKey;
    private final String authorization;
    private final long timeoutMs;
    private final Scheduler scheduler;
    private final Clock clock;
    private final UpstreamHttp http;
    private final JsonReaderFactory readers = Json.createReaderFactory(Map.of());
    private final Set<UpstreamRun> running = ConcurrentHashMap.newKeySet();
    private final Set<String> dropFields;
    private final boolean streamAlways;

    /**
     * @param spec      the provider's configuration (baseUrl required)
     * @param scheduler the gateway's timer, for the silence timeout
     * @param clock     for {@code Retry-After} dates
     */
    public OpenAiCompatibleProvider(ProviderSpec spec, Scheduler scheduler, Clock clock) {
        this.name = spec.name();
        String base = spec.baseUrl().toString();
        String root = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.endpoint = URI.create(root + "/chat/completions");
        this.embeddings = URI.create(root + "/embeddings");
        this.apiKey = spec.apiKey() == null ? null : spec.apiKey().reveal();
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        this.timeoutMs = spec.timeoutMs();
        this.scheduler = scheduler;
        this.clock = clock;
        this.http = new UpstreamHttp(spec.name(), spec.timeoutMs(), scheduler);
        this.dropFields = Set.copyOf(spec.dropFields());
        this.streamAlways = spec.streaming() == GatewayConfig.Streaming.ALWAYS;
    }

    @Override
    public Cancellable stream(UpstreamRequest request, DeltaSink sink) {
        boolean streamed = streamAlways || request.stream();
        Request call = http.client().newRequest(endpoint)
                .method(HttpMethod.POST)
                .idleTimeout(0, TimeUnit.MILLISECONDS) // the run's silence timer owns timeouts
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, streamed ? "text/event-stream" : "application/json");
                    if (authorization != null) {
                        h.put(HttpHeader.AUTHORIZATION, authorization);
                    }
                    request.trace().headers(h::put);
                })
                .body(new StringRequestContent("application/json", body(request, dropFields, streamed)));
        UpstreamRun run = new UpstreamRun(sink, new ChunkDecoder(sink, readers, apiKey, request.choices()), this,
                !streamed);
        running.add(run);
        run.start(call, scheduler);
        return run;
    }

    /** {@code POST {baseUrl}/embeddings} ({@link EmbeddingCall}); not counted in {@link #running()}. */
    @Override
    public Cancellable embed(EmbeddingRequest request, EmbeddingSink sink) {
        EmbeddingCall call = new EmbeddingCall(sink, this, readers);
        call.start(http.client(), embeddings, authorization, request);
        return call;
    }

    /**
     * The upstream request body: model, messages, stream with usage, then every passed-through field as the client
     * sent it, in its order, except those in {@code drop} ({@code models.providers.<name>.dropFields}).
     */
    static String body(UpstreamRequest request, Set<String> drop) {
        return body(request, drop, true);
    }

    /** The body of a streamed call ({@code stream_options.include_usage} asked) or of a non-streamed one. */
    static String body(UpstreamRequest request, Set<String> drop, boolean streamed) {
        StringBuilder b = new StringBuilder(512);
        b.append("{\"model\":");
        JsonText.quote(b, request.model());
        b.append(",\"messages\":[");
        boolean first = true;
        for (ChatMessage m : request.messages()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            m.appendJson(b);
        }
        b.append(streamed ? "],\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "],\"stream\":false");
        for (Map.Entry<String, JsonValue> e : request.params().entrySet()) {
            if (drop.contains(e.getKey())) {
                continue;
            }
            b.append(',');
            JsonText.quote(b, e.getKey());
            b.append(':').append(e.getValue().toString());
        }
        return b.append('}').toString();
    }

    long timeoutMs() {
        return timeoutMs;
    }

    ApiException statusError(int status, String body, String retryAfter) {
        return UpstreamErrors.forStatus(readers, status, body, retryAfter, apiKey, clock);
    }

    void ended(UpstreamRun run) {
        running.remove(run);
    }

    /** Runs in flight (tests). */
    int running() {
        return running.size();
    }

    UpstreamHttp http() {
        return http;
    }

    /** Cancels every run in flight, then stops the client and its threads. */
    @Override
    public void close() {
        for (UpstreamRun run : running.toArray(UpstreamRun[]::new)) {
            run.cancel();
        }
        http.close();
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleProvider[" + name + "]";
    }
}
