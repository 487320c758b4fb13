package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChoiceDelta;
import dev.clawgate.openai.ResponseMeta;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the {@code data:} payloads of an upstream {@code chat.completion.chunk} stream into {@link DeltaSink} calls:
 * per choice its text, its reasoning ({@code delta.reasoning_content}, or {@code delta.reasoning} as Ollama and some
 * vLLM versions name it), tool-call fragments (index, id, type, name, arguments kept as sent), every other delta member
 * ({@code refusal}, {@code annotations}, ...) and {@code logprobs} as sent, and its first {@code finish_reason} only;
 * the chunk's {@code system_fingerprint} and {@code service_tier} whenever they change; and the usage with all its
 * details (kept until the end, so the sink gets it after the finish). Choices at or beyond the number asked for
 * ({@code n}) are ignored, so an upstream cannot make the run track more. Not thread-safe: one decoder per run, fed
 * from one thread at a time. The common chunk (text, reasoning, finish) is read straight from its bytes by a
 * {@link ChunkScanner}; any other (tool calls, logprobs, usage, an error...) as a JSON-P tree, with the same result.
 */
final class ChunkDecoder {
    /** What a payload meant for the run. */
    enum Step { CONTINUE, DONE }

    private static final java.util.Set<String> DELTA_OWN = java.util.Set.of("role", "content", "tool_calls",
            "reasoning_content", "reasoning");
    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final DeltaSink sink;
    private final JsonReaderFactory readers;
    private final String apiKey;
    private final int choices;
    private final BitSet started = new BitSet();
    private final BitSet finished = new BitSet();
    private final ChunkScanner scanner = new ChunkScanner();
    private ResponseMeta meta = ResponseMeta.NONE;
    private Usage usage;

    /**
     * @param sink    where deltas go
     * @param readers JSON-P readers, made once by the provider
     * @param apiKey  the provider's key, scrubbed from relayed error messages; null when none
     * @param choices how many choices the client asked for ({@code n}); choices 0 to {@code choices - 1} are relayed
     */
    ChunkDecoder(DeltaSink sink, JsonReaderFactory readers, String apiKey, int choices) {
        this.sink = sink;
        this.readers = readers;
        this.apiKey = apiKey;
        this.choices = Math.max(1, choices);
    }

    ChunkDecoder(DeltaSink sink, JsonReaderFactory readers, String apiKey) {
        this(sink, readers, apiKey, 1);
    }

    /** Whether every choice that started has given its {@code finish_reason} (so end of input is a normal end). */
    boolean finished() {
        return !finished.isEmpty() && started.stream().allMatch(finished::get);
    }

    /** The usage seen so far, or null. */
    Usage usage() {
        return usage;
    }

    /**
     * Applies one event's data.
     *
     * @throws ApiException a protocol error (not JSON) or an upstream error event
     */
    Step apply(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return apply(bytes, 0, bytes.length);
    }

    /**
     * Applies one event's data, {@code bytes[from, to)} in UTF-8. A chunk of the common shape is read straight from
     * the bytes ({@link ChunkScanner}); any other as a JSON-P tree, with the same result.
     *
     * @throws ApiException a protocol error (not JSON) or an upstream error event
     */
    Step apply(byte[] bytes, int from, int to) {
        int start = from;
        int end = to;
        while (start < end && space(bytes[start])) {
            start++;
        }
        while (end > start && space(bytes[end - 1])) {
            end--;
        }
        if (end - start == DONE.length && Arrays.equals(bytes, start, end, DONE, 0, DONE.length)) {
            return Step.DONE;
        }
        if (end > start && bytes[start] == '{' && scanner.scan(bytes, start, end)) {
            applyScanned();
            return Step.CONTINUE;
        }
        return applyTree(new String(bytes, from, to - from, StandardCharsets.UTF_8));
    }

    /** What {@link String#strip()} removes, in ASCII. */
    private static boolean space(byte b) {
        return b == ' ' || b >= 0x09 && b <= 0x0D || b >= 0x1C && b <= 0x1F;
    }

    /** The sink calls of a chunk read by {@link ChunkScanner}: those {@link #applyTree} makes of the same chunk. */
    private void applyScanned() {
        ChunkScanner c = scanner;
        String fp = c.fingerprint;
        String tier = c.serviceTier;
        if ((fp != null || tier != null)
                && !(Objects.equals(fp, meta.systemFingerprint()) && Objects.equals(tier, meta.serviceTier()))) {
            meta = new ResponseMeta(fp, tier);
            sink.onResponseMeta(meta);
        }
        for (int k = 0; k < c.count; k++) {
            int index = c.index[k];
            if (index >= choices || finished.get(index)) {
                continue;
            }
            started.set(index);
            if (c.hasDelta[k]) {
                ChoiceDelta d = new ChoiceDelta(index, c.content[k], c.reasoning[k], List.of(), null, null);
                if (!d.isEmpty()) {
                    sink.onDelta(d);
                }
            }
            if (c.finishReason[k] != null) {
                finished.set(index);
                sink.onFinish(index, c.finishReason[k]);
            }
        }
    }

    /**
     * Applies a whole non-streamed answer ({@code chat.completion}): each choice's {@code message} is taken as one
     * delta of all of it, then its finish, as if the answer had come as one chunk. An error object maps as an error
     * event does.
     *
     * @throws ApiException a protocol error (not a JSON object) or an upstream error
     */
    void applyCompletion(String body) {
        applyObject(body.strip(), "message");
    }

    /** Applies one event's data read as a JSON-P tree: any chunk, the error events. */
    Step applyTree(String data) {
        String trimmed = data.strip();
        if (trimmed.equals("[DONE]")) {
            return Step.DONE;
        }
        if (trimmed.isEmpty()) {
            return Step.CONTINUE;
        }
        applyObject(trimmed, "delta");
        return Step.CONTINUE;
    }

    /** A chunk, or a whole answer whose choices carry their text in {@code pieces} ("message"). */
    private void applyObject(String trimmed, String pieces) {
        JsonObject chunk;
        try (JsonReader reader = readers.createReader(new StringReader(trimmed))) {
            chunk = reader.readObject();
        } catch (RuntimeException e) {
            throw UpstreamErrors.protocol("a data line is not a JSON object");
        }
        if (chunk.containsKey("error") && chunk.get("error") != JsonValue.NULL) {
            throw UpstreamErrors.inStream(readers, trimmed, apiKey);
        }
        ResponseMeta now = new ResponseMeta(string(chunk.get("system_fingerprint")),
                string(chunk.get("service_tier")));
        if ((now.systemFingerprint() != null || now.serviceTier() != null) && !now.equals(meta)) {
            meta = now;
            sink.onResponseMeta(now);
        }
        if (chunk.get("choices") instanceof JsonArray list) {
            for (JsonValue c : list) {
                if (c instanceof JsonObject choice) {
                    int index = intOr(choice.get("index"), 0);
                    if (index >= 0 && index < choices) {
                        applyChoice(index, choice, pieces);
                    }
                }
            }
        }
        if (chunk.get("usage") instanceof JsonObject u) {
            usage = usage(u);
        }
    }

    private void applyChoice(int index, JsonObject choice, String pieces) {
        if (finished.get(index)) {
            return;
        }
        started.set(index);
        JsonObject logprobs = choice.get("logprobs") instanceof JsonObject l ? l : null;
        if (choice.get(pieces) instanceof JsonObject delta) {
            List<ToolCallDelta> calls = new ArrayList<>();
            if (delta.get("tool_calls") instanceof JsonArray array) {
                for (int i = 0; i < array.size(); i++) {
                    if (array.get(i) instanceof JsonObject call) {
                        calls.add(toolCall(call, i));
                    }
                }
            }
            JsonObjectBuilder others = null;
            for (Map.Entry<String, JsonValue> e : delta.entrySet()) {
                if (!DELTA_OWN.contains(e.getKey()) && e.getValue() != JsonValue.NULL) {
                    others = others == null ? BUILDERS.createObjectBuilder() : others;
                    others.add(e.getKey(), e.getValue());
                }
            }
            String reasoning = delta.get("reasoning_content") instanceof JsonString r ? r.getString()
                    : string(delta.get("reasoning"));
            ChoiceDelta d = new ChoiceDelta(index, string(delta.get("content")), reasoning, calls,
                    others == null ? null : others.build(), logprobs);
            if (!d.isEmpty()) {
                sink.onDelta(d);
            }
        } else if (logprobs != null) {
            sink.onDelta(new ChoiceDelta(index, null, null, List.of(), null, logprobs));
        }
        if (choice.get("finish_reason") instanceof JsonString reason) {
            finished.set(index);
            sink.onFinish(index, reason.getString());
        }
    }

    private static ToolCallDelta toolCall(JsonObject call, int position) {
        JsonObject function = call.get("function") instanceof JsonObject f ? f : JsonValue.EMPTY_JSON_OBJECT;
        return new ToolCallDelta(intOr(call.get("index"), position), string(call.get("id")),
                string(call.get("type")), string(function.get("name")), string(function.get("arguments")));
    }

    /** The counts, and every other member (the details) as sent. */
    private static Usage usage(JsonObject u) {
        long prompt = longOr(u.get("prompt_tokens"), 0);
        long completion = longOr(u.get("completion_tokens"), 0);
        long total = Math.max(longOr(u.get("total_tokens"), 0), prompt + completion);
        JsonObjectBuilder details = BUILDERS.createObjectBuilder();
        for (Map.Entry<String, JsonValue> e : u.entrySet()) {
            if (!e.getKey().equals("prompt_tokens") && !e.getKey().equals("completion_tokens")
                    && !e.getKey().equals("total_tokens") && e.getValue() != JsonValue.NULL) {
                details.add(e.getKey(), e.getValue());
            }
        }
        return new Usage(prompt, completion, total, details.build());
    }

    private static String string(JsonValue v) {
        return v instanceof JsonString s ? s.getString() : null;
    }

    private static int intOr(JsonValue v, int fallback) {
        return v instanceof JsonNumber n ? n.intValue() : fallback;
    }

    private static long longOr(JsonValue v, long fallback) {
        return v instanceof JsonNumber n ? n.longValue() : fallback;
    }
}
