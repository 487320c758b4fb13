package dev.clawgate.upstream;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;

/**
 * Turns the {@code data:} payloads of an upstream {@code chat.completion.chunk} stream into {@link DeltaSink} calls:
 * content, reasoning ({@code delta.reasoning_content}, or {@code delta.reasoning} as Ollama and some vLLM
 * versions name it), tool-call fragments (index, id, type, name, arguments kept as sent), the first
 * {@code finish_reason} only, and the usage (reasoning tokens of {@code completion_tokens_details} included) (kept until the end, so the sink gets it after the finish). Choices other than index 0 are
 * ignored ({@code n} is always 1). Not thread-safe: one decoder per run, fed from one thread at a time.
 */
final class ChunkDecoder {
    /** What a payload meant for the run. */
    enum Step { CONTINUE, DONE }

    private final DeltaSink sink;
    private final JsonReaderFactory readers;
    private final String apiKey;
    private boolean finished;
    private Usage usage;

    /**
     * @param sink   where deltas go
     * @param readers JSON-P readers, made once by the provider
     * @param apiKey the provider's key, scrubbed from relayed error messages; null when none
     */
    ChunkDecoder(DeltaSink sink, JsonReaderFactory readers, String apiKey) {
        this.sink = sink;
        this.readers = readers;
        this.apiKey = apiKey;
    }

    /** Whether a {@code finish_reason} has been seen (so end of input is a normal end). */
    boolean finished() {
        return finished;
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
        String trimmed = data.strip();
        if (trimmed.equals("[DONE]")) {
            return Step.DONE;
        }
        if (trimmed.isEmpty()) {
            return Step.CONTINUE;
        }
        JsonObject chunk;
        try (JsonReader reader = readers.createReader(new StringReader(trimmed))) {
            chunk = reader.readObject();
        } catch (RuntimeException e) {
            throw UpstreamErrors.protocol("a data line is not a JSON object");
        }
        if (chunk.containsKey("error") && chunk.get("error") != JsonValue.NULL) {
            throw UpstreamErrors.inStream(readers, trimmed, apiKey);
        }
        if (chunk.get("choices") instanceof JsonArray choices) {
            for (JsonValue c : choices) {
                if (c instanceof JsonObject choice && intOr(choice.get("index"), 0) == 0) {
                    applyChoice(choice);
                }
            }
        }
        if (chunk.get("usage") instanceof JsonObject u) {
            usage = usage(u);
        }
        return Step.CONTINUE;
    }

    private void applyChoice(JsonObject choice) {
        if (!finished && choice.get("delta") instanceof JsonObject delta) {
            if (delta.get("reasoning_content") instanceof JsonString thought) {
                sink.onReasoning(thought.getString());
            } else if (delta.get("reasoning") instanceof JsonString thought) {
                sink.onReasoning(thought.getString());
            }
            if (delta.get("content") instanceof JsonString text) {
                sink.onContent(text.getString());
            }
            if (delta.get("tool_calls") instanceof JsonArray calls) {
                for (int i = 0; i < calls.size(); i++) {
                    if (calls.get(i) instanceof JsonObject call) {
                        sink.onToolCall(toolCall(call, i));
                    }
                }
            }
        }
        if (!finished && choice.get("finish_reason") instanceof JsonString reason) {
            finished = true;
            sink.onFinish(reason.getString());
        }
    }

    private static ToolCallDelta toolCall(JsonObject call, int position) {
        JsonObject function = call.get("function") instanceof JsonObject f ? f : JsonValue.EMPTY_JSON_OBJECT;
        return new ToolCallDelta(intOr(call.get("index"), position), string(call.get("id")),
                string(call.get("type")), string(function.get("name")), string(function.get("arguments")));
    }

    private static Usage usage(JsonObject u) {
        long prompt = longOr(u.get("prompt_tokens"), 0);
        long completion = longOr(u.get("completion_tokens"), 0);
        long total = Math.max(longOr(u.get("total_tokens"), 0), prompt + completion);
        Long cached = null;
        if (u.get("prompt_tokens_details") instanceof JsonObject details
                && details.get("cached_tokens") instanceof JsonNumber n) {
            cached = n.longValue();
        }
        Long reasoning = null;
        if (u.get("completion_tokens_details") instanceof JsonObject details
                && details.get("reasoning_tokens") instanceof JsonNumber n) {
            reasoning = n.longValue();
        }
        return new Usage(prompt, completion, total, cached, reasoning);
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
