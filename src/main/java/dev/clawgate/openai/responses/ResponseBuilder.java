package dev.clawgate.openai.responses;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ToolCallDelta;
import dev.clawgate.openai.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code response} object of one run, gathered from the run's deltas: text becomes {@code message} items with
 * one {@code output_text} part, tool-call fragments become {@code function_call} items (joined per chat
 * {@code index}), in the order they began; then the finish reason, the usage or an error decide the status:
 * <ul>
 *   <li>{@code failed} with {@code error} {@code {"code","message"}} after {@link #error} ({@code code}
 *       {@code rate_limit_exceeded} for a 429, else {@code server_error}); no usage;</li>
 *   <li>{@code incomplete} with {@code incomplete_details.reason} {@code max_output_tokens} when the finish reason
 *       was {@code length}, {@code content_filter} when it was {@code content_filter};</li>
 *   <li>{@code completed} otherwise, usage zeros when the model reported none.</li>
 * </ul>
 * The last item of an incomplete or failed response has status {@code incomplete}; every other item
 * {@code completed}. Text after a tool call starts a new message item. Not thread-safe: the run's one thread at a
 * time feeds it.
 */
public final class ResponseBuilder {
    private final ResponsesRequest request;
    private final ResponseIds ids;
    private final String id;
    private final long createdAt;
    private final List<Item> items = new ArrayList<>();
    private final Map<Integer, Call> calls = new HashMap<>();
    private String finishReason;
    private Usage usage;
    private ApiException error;

    /**
     * @param request   the request it answers (its settings are echoed)
     * @param createdAt {@code created_at}, Unix seconds
     * @param ids       where the response and item ids come from
     */
    public ResponseBuilder(ResponsesRequest request, long createdAt, ResponseIds ids) {
        this.request = request;
        this.ids = ids;
        this.id = ids.next("resp_");
        this.createdAt = createdAt;
    }

    /** The {@code resp_…} id. */
    public String id() {
        return id;
    }

    /** Adds text to the current message item, or to a new one when the last item is not a message. */
    public Item content(String text) {
        Item last = items.isEmpty() ? null : items.get(items.size() - 1);
        Message m = last instanceof Message msg ? msg : add(new Message(ids.next("msg_"), items.size()));
        m.text.append(text);
        return m;
    }

    /** Adds a tool-call fragment to the call of its index, or starts that call as a new item. */
    public Item toolCall(ToolCallDelta delta) {
        Call c = calls.get(delta.index());
        if (c == null) {
            String callId = delta.id() != null ? delta.id() : ids.next("call_");
            c = add(new Call(ids.next("fc_"), items.size(), callId));
            calls.put(delta.index(), c);
        }
        if (delta.name() != null) {
            c.name.append(delta.name());
        }
        if (delta.arguments() != null) {
            c.arguments.append(delta.arguments());
        }
        return c;
    }

    /** Records why the model stopped (the first reason counts). */
    public void finish(String reason) {
        if (finishReason == null) {
            finishReason = reason;
        }
    }

    public void usage(Usage u) {
        usage = u;
    }

    /** The run failed: the response becomes {@code failed} with this error. */
    public void error(ApiException e) {
        error = e;
    }

    /** {@code completed}, {@code incomplete} or {@code failed}, from what has been recorded so far. */
    public String status() {
        if (error != null) {
            return "failed";
        }
        return "length".equals(finishReason) || "content_filter".equals(finishReason) ? "incomplete" : "completed";
    }

    /** The items so far, in output order. */
    List<Item> items() {
        return items;
    }

    /** The final {@code response} object as JSON. */
    public String json() {
        ResponseWire.Response r = head(status());
        StringBuilder outputText = new StringBuilder();
        boolean unfinished = !r.status.equals("completed");
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            r.output.add(item.wire(unfinished && i == items.size() - 1 ? "incomplete" : "completed"));
            if (item instanceof Message m) {
                outputText.append(m.text);
            }
        }
        r.outputText = outputText.toString();
        if (error != null) {
            r.error = new ResponseWire.Error();
            r.error.code = error.status() == 429 ? "rate_limit_exceeded" : "server_error";
            r.error.message = error.getMessage();
        } else {
            if ("incomplete".equals(r.status)) {
                r.incompleteDetails = new ResponseWire.IncompleteDetails();
                r.incompleteDetails.reason = "length".equals(finishReason) ? "max_output_tokens" : "content_filter";
            }
            r.usage = wireUsage(usage != null ? usage : Usage.of(0, 0));
        }
        return ResponsesJson.write(r);
    }

    /** The object as it is before any output: status {@code in_progress}, empty output, no usage. */
    public String inProgressJson() {
        return ResponsesJson.write(head("in_progress"));
    }

    private ResponseWire.Response head(String status) {
        ResponseWire.Response r = new ResponseWire.Response();
        r.id = id;
        r.createdAt = createdAt;
        r.status = status;
        r.instructions = request.instructions();
        r.maxOutputTokens = request.maxOutputTokens();
        r.model = request.chat().echoModel();
        r.output = new ArrayList<>();
        r.outputText = "";
        r.parallelToolCalls = request.parallelToolCalls();
        r.previousResponseId = request.previousResponseId();
        r.store = request.store();
        r.temperature = request.temperature();
        r.text = request.text();
        r.toolChoice = request.toolChoice();
        r.tools = request.tools();
        r.topP = request.topP();
        r.user = request.user();
        r.metadata = request.metadata();
        return r;
    }

    private static ResponseWire.Usage wireUsage(Usage u) {
        ResponseWire.Usage w = new ResponseWire.Usage();
        w.inputTokens = u.promptTokens();
        w.outputTokens = u.completionTokens();
        w.totalTokens = u.totalTokens();
        w.inputTokensDetails.cachedTokens = u.cachedTokens() == null ? 0 : u.cachedTokens();
        return w;
    }

    private <T extends Item> T add(T item) {
        items.add(item);
        return item;
    }

    /** One output item: its id, its place in {@code output}, and its wire form with a given status. */
    public abstract static sealed class Item permits Message, Call {
        final String id;
        final int outputIndex;

        Item(String id, int outputIndex) {
            this.id = id;
            this.outputIndex = outputIndex;
        }

        abstract Object wire(String status);

        String json(String status) {
            return ResponsesJson.write(wire(status));
        }
    }

    static final class Message extends Item {
        final StringBuilder text = new StringBuilder();

        Message(String id, int outputIndex) {
            super(id, outputIndex);
        }

        @Override
        Object wire(String status) {
            return wire(status, List.of(new ResponseWire.OutputText(text.toString())));
        }

        /** The message with these parts: none when it has just been added to a stream. */
        ResponseWire.Message wire(String status, List<ResponseWire.OutputText> content) {
            ResponseWire.Message m = new ResponseWire.Message();
            m.id = id;
            m.status = status;
            m.content = content;
            return m;
        }
    }

    static final class Call extends Item {
        final String callId;
        final StringBuilder name = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();

        Call(String id, int outputIndex, String callId) {
            super(id, outputIndex);
            this.callId = callId;
        }

        @Override
        ResponseWire.FunctionCall wire(String status) {
            ResponseWire.FunctionCall c = new ResponseWire.FunctionCall();
            c.id = id;
            c.callId = callId;
            c.name = name.toString();
            c.arguments = arguments.toString();
            c.status = status;
            return c;
        }
    }
}
