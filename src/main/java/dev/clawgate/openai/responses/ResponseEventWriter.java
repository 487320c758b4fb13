package dev.clawgate.openai.responses;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.JsonText;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server-sent events of a streamed response ({@code stream:true}), fed by a run's deltas. Every event is
 * {@code event: <type>\ndata: <json>\n\n}, its JSON starting with {@code "type"} and a {@code sequence_number}
 * counting from 0. The sequence:
 * <pre>
 * response.created, response.in_progress                     ← open()
 * for a message item:  response.output_item.added, response.content_part.added,
 *                      response.output_text.delta …,
 *                      response.output_text.done, response.content_part.done, response.output_item.done
 * for a function call: response.output_item.added, response.function_call_arguments.delta …,
 *                      response.function_call_arguments.done, response.output_item.done
 * response.completed | response.incomplete                  ← complete()
 * response.failed                                           ← error()
 * </pre>
 * An item is done when the next one begins or the response ends. The terminal event carries the whole
 * {@code response} object of {@link ResponseBuilder}. No {@code [DONE]} line follows: the Responses API ends
 * the stream after its terminal event. Per-delta events are written by hand (they are the hot path); the response
 * object, items and parts through JSON-B.
 *
 * <p>Each method returns the bytes to write, empty when there are none. The call order is a reply sink's:
 * {@link #open()} once, {@link #content} / {@link #toolCall} any number of times, {@link #finish} and
 * {@link #usage} at most once, then {@link #complete()} or {@link #error}; calls after the terminal event return
 * nothing. A fragment of a tool call that arrives after a later item has begun (an upstream interleaving parallel
 * calls) is not streamed but is part of the final object. Not thread-safe: one run feeds it at a time.
 */
public final class ResponseEventWriter {
    private static final byte[] NOTHING = new byte[0];

    private final ResponseBuilder response;
    private int sequence;
    private boolean opened;
    private boolean ended;
    private ResponseBuilder.Item current;

    public ResponseEventWriter(ResponseBuilder response) {
        this.response = response;
    }

    /** {@code response.created} and {@code response.in_progress}, each with the in-progress object. */
    public byte[] open() {
        if (opened || ended) {
            return NOTHING;
        }
        StringBuilder b = new StringBuilder(1024);
        openInto(b);
        return bytes(b);
    }

    /** A piece of text: {@code response.output_text.delta}, after opening a message item if needed. */
    public byte[] content(String text) {
        if (ended || text == null || text.isEmpty()) {
            return NOTHING;
        }
        StringBuilder b = new StringBuilder(128 + text.length());
        openInto(b);
        ResponseBuilder.Item item = response.content(text);
        if (item != current) {
            closeCurrent(b, "completed");
            current = item;
            event(b, "response.output_item.added").append(",\"output_index\":").append(item.outputIndex)
                    .append(",\"item\":").append(ResponsesJson.write(((ResponseBuilder.Message) item)
                            .wire("in_progress", List.of()))).append("}\n\n");
            partEvent(b, "response.content_part.added", item, "");
        }
        itemEvent(b, "response.output_text.delta", item).append(",\"content_index\":0,\"delta\":");
        JsonText.quote(b, text).append(",\"logprobs\":[]}\n\n");
        return bytes(b);
    }

    /** A tool-call fragment: {@code response.function_call_arguments.delta}, after adding the call if it is new. */
    public byte[] toolCall(ToolCallDelta delta) {
        if (ended) {
            return NOTHING;
        }
        StringBuilder b = new StringBuilder(256);
        openInto(b);
        ResponseBuilder.Item item = response.toolCall(delta);
        if (item != current && (current == null || item.outputIndex > current.outputIndex)) {
            closeCurrent(b, "completed");
            current = item;
            ResponseWire.FunctionCall added = ((ResponseBuilder.Call) item).wire("in_progress");
            added.arguments = "";
            event(b, "response.output_item.added").append(",\"output_index\":").append(item.outputIndex)
                    .append(",\"item\":").append(ResponsesJson.write(added)).append("}\n\n");
        }
        if (item == current && delta.arguments() != null && !delta.arguments().isEmpty()) {
            itemEvent(b, "response.function_call_arguments.delta", item).append(",\"delta\":");
            JsonText.quote(b, delta.arguments()).append("}\n\n");
        }
        return bytes(b);
    }

    /** Why the model stopped; decides between {@code response.completed} and {@code response.incomplete}. */
    public void finish(String reason) {
        response.finish(reason);
    }

    public void usage(Usage usage) {
        response.usage(usage);
    }

    /** Closes the open item and ends with {@code response.completed} or {@code response.incomplete}. */
    public byte[] complete() {
        return end(null);
    }

    /**
     * Ends with {@code response.failed} carrying the error (after the open events, when {@link #open()} was not
     * called, and after closing the open item as {@code incomplete}).
     */
    public byte[] error(ApiException error) {
        return end(error);
    }

    /** Whether the terminal event has been produced. */
    public boolean ended() {
        return ended;
    }

    private byte[] end(ApiException error) {
        if (ended) {
            return NOTHING;
        }
        if (error != null) {
            response.error(error);
        }
        StringBuilder b = new StringBuilder(2048);
        openInto(b);
        String status = response.status();
        closeCurrent(b, status.equals("completed") ? "completed" : "incomplete");
        String type = switch (status) {
            case "failed" -> "response.failed";
            case "incomplete" -> "response.incomplete";
            default -> "response.completed";
        };
        event(b, type).append(",\"response\":").append(response.json()).append("}\n\n");
        ended = true;
        return bytes(b);
    }

    private void openInto(StringBuilder b) {
        if (opened) {
            return;
        }
        opened = true;
        String snapshot = response.inProgressJson();
        event(b, "response.created").append(",\"response\":").append(snapshot).append("}\n\n");
        event(b, "response.in_progress").append(",\"response\":").append(snapshot).append("}\n\n");
    }

    private void closeCurrent(StringBuilder b, String status) {
        ResponseBuilder.Item item = current;
        if (item == null) {
            return;
        }
        current = null;
        if (item instanceof ResponseBuilder.Message m) {
            String text = m.text.toString();
            itemEvent(b, "response.output_text.done", item).append(",\"content_index\":0,\"text\":");
            JsonText.quote(b, text).append(",\"logprobs\":[]}\n\n");
            partEvent(b, "response.content_part.done", item, text);
        } else {
            ResponseWire.FunctionCall call = ((ResponseBuilder.Call) item).wire(status);
            itemEvent(b, "response.function_call_arguments.done", item).append(",\"name\":");
            JsonText.quote(b, call.name).append(",\"arguments\":");
            JsonText.quote(b, call.arguments).append("}\n\n");
        }
        event(b, "response.output_item.done").append(",\"output_index\":").append(item.outputIndex)
                .append(",\"item\":").append(item.json(status)).append("}\n\n");
    }

    private void partEvent(StringBuilder b, String type, ResponseBuilder.Item item, String text) {
        itemEvent(b, type, item).append(",\"content_index\":0,\"part\":")
                .append(ResponsesJson.write(new ResponseWire.OutputText(text))).append("}\n\n");
    }

    /** Starts an event about an item: type, sequence number, {@code item_id} and {@code output_index}. */
    private StringBuilder itemEvent(StringBuilder b, String type, ResponseBuilder.Item item) {
        event(b, type).append(",\"item_id\":");
        return JsonText.quote(b, item.id).append(",\"output_index\":").append(item.outputIndex);
    }

    /** {@code event: <type>\ndata: {"type":"<type>","sequence_number":n}, the object left open. */
    private StringBuilder event(StringBuilder b, String type) {
        return b.append("event: ").append(type).append("\ndata: {\"type\":\"").append(type)
                .append("\",\"sequence_number\":").append(sequence++);
    }

    private static byte[] bytes(StringBuilder b) {
        return b.length() == 0 ? NOTHING : b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
