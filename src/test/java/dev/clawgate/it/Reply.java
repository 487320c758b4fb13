package dev.clawgate.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link FakeUpstream} answers: an SSE stream of {@code events} (each one {@code data:} payload; a payload with
 * {@code \n} becomes several {@code data:} lines) or an error status with a body, and the knobs that make it
 * misbehave. Immutable; the {@code with…} methods return a changed copy.
 *
 * @param status    HTTP status; 200 streams the events
 * @param headers   extra response headers (e.g. {@code Retry-After})
 * @param errorBody the body of a non-200 reply (or of a {@link #json} 200)
 * @param events    the {@code data:} payloads of a 200
 * @param eol       line ending of the SSE lines: {@code \n}, {@code \r\n} or {@code \r}
 * @param comment   start with a {@code :} comment and an {@code event:} line
 * @param done      end with {@code data: [DONE]}
 * @param dropAfter close the connection (no last chunk) before event number {@code dropAfter}; -1 = never
 * @param delayMs   pause before each event, ms
 * @param holdOpen  after the events, keep the response open until the client closes
 * @param silent    read the request and never answer
 */
public record Reply(int status, Map<String, String> headers, String errorBody, List<String> events, String eol,
                    boolean comment, boolean done, int dropAfter, long delayMs, boolean holdOpen, boolean silent) {

    public static Reply sse(String... events) {
        return new Reply(200, Map.of(), "", List.of(events), "\n", false, true, -1, 0, false, false);
    }

    public static Reply error(int status, String body) {
        return new Reply(status, Map.of(), body, List.of(), "\n", false, false, -1, 0, false, false);
    }

    /** A 200 with this JSON body (not a stream), as {@code /embeddings} answers. */
    public static Reply json(String body) {
        return new Reply(200, Map.of(), body, List.of(), "\n", false, false, -1, 0, false, false);
    }

    /** Whether this is a 200 with a JSON body ({@link #json}) rather than a stream. */
    public boolean json() {
        return status == 200 && events.isEmpty() && !errorBody.isEmpty();
    }

    /** A chunk whose delta is the given JSON object text, e.g. {@code {"reasoning_content":"hm"}}. */
    public static String delta(String deltaJson) {
        return chunk(deltaJson, null);
    }

    public static Reply silence() {
        return new Reply(200, Map.of(), "", List.of(), "\n", false, false, -1, 0, false, true);
    }

    public Reply withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, h, errorBody, events, eol, comment, done, dropAfter, delayMs, holdOpen, silent);
    }

    public Reply withEol(String lineEnd) {
        return new Reply(status, headers, errorBody, events, lineEnd, comment, done, dropAfter, delayMs, holdOpen,
                silent);
    }

    public Reply withComment() {
        return new Reply(status, headers, errorBody, events, eol, true, done, dropAfter, delayMs, holdOpen, silent);
    }

    public Reply withoutDone() {
        return new Reply(status, headers, errorBody, events, eol, comment, false, dropAfter, delayMs, holdOpen, silent);
    }

    public Reply droppedAfter(int eventCount) {
        return new Reply(status, headers, errorBody, events, eol, comment, done, eventCount, delayMs, holdOpen, silent);
    }

    public Reply withDelayMs(long ms) {
        return new Reply(status, headers, errorBody, events, eol, comment, done, dropAfter, ms, holdOpen, silent);
    }

    /** Sends the events, then neither [DONE] nor the end of the body: the response stays open. */
    public Reply heldOpen() {
        return new Reply(status, headers, errorBody, events, eol, comment, false, dropAfter, delayMs, true, silent);
    }

    // ---- chunk payloads ----

    public static String content(String text) {
        return chunk("{\"content\":" + quote(text) + "}", null);
    }

    public static String role() {
        return chunk("{\"role\":\"assistant\",\"content\":\"\"}", null);
    }

    public static String finish(String reason) {
        return chunk("{}", reason);
    }

    /** A tool-call fragment; null fields are left out, like real upstreams do for later fragments. */
    public static String toolCall(int index, String id, String name, String arguments) {
        StringBuilder call = new StringBuilder("{\"index\":" + index);
        if (id != null) {
            call.append(",\"id\":").append(quote(id)).append(",\"type\":\"function\"");
        }
        call.append(",\"function\":{");
        if (name != null) {
            call.append("\"name\":").append(quote(name)).append(arguments != null ? "," : "");
        }
        if (arguments != null) {
            call.append("\"arguments\":").append(quote(arguments));
        }
        call.append("}}");
        return chunk("{\"tool_calls\":[" + call + "]}", null);
    }

    /** The usage chunk of {@code stream_options.include_usage}: empty choices. */
    public static String usage(long prompt, long completion, Long cached) {
        return "{\"id\":\"up-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion)
                + (cached == null ? "" : ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}") + "}}";
    }

    private static String chunk(String delta, String finish) {
        return "{\"id\":\"up-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + (finish == null ? "null" : quote(finish))
                + "}]}";
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
