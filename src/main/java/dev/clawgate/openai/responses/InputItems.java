package dev.clawgate.openai.responses;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ToolCall;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Translates {@code instructions} and {@code input} into chat messages, in order:
 * <ul>
 *   <li>{@code instructions} → a leading {@code system} message (the prompt assembler puts request system messages
 *       after the agent's own system prompt);</li>
 *   <li>a string {@code input} → one {@code user} message;</li>
 *   <li>a message item → a message of its role ({@code user}, {@code assistant}, {@code system},
 *       {@code developer}); {@code input_text} / {@code output_text} parts become text (parts that are all text are
 *       joined with a newline into one string, as {@link ChatMessage#text()} reads them), {@code input_image} with an
 *       {@code image_url} (a data URL or any URL, passed on as given and never fetched) becomes an
 *       {@code image_url} part;</li>
 *   <li>consecutive {@code function_call} items → the {@code tool_calls} of one assistant message (joined to the
 *       assistant message just before them, if any);</li>
 *   <li>a {@code function_call_output} item → a {@code tool} message answering its {@code call_id}.</li>
 * </ul>
 * Every rejection is a 400 with {@code param} {@code input} (or {@code instructions}). Not thread-safe: one per parse.
 */
final class InputItems {
    /** Content parts in one message or one function call output. */
    static final int MAX_CONTENT_PARTS = 100;

    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");
    private static final Set<String> DETAILS = Set.of("auto", "low", "high");
    private static final java.lang.reflect.Type ITEMS = new ArrayList<RequestWire.InputItem>() { }
            .getClass().getGenericSuperclass();
    private static final java.lang.reflect.Type PARTS = new ArrayList<RequestWire.ContentPart>() { }
            .getClass().getGenericSuperclass();

    private final List<ChatMessage> out = new ArrayList<>();
    private boolean userOrTool;

    List<ChatMessage> messages(String instructions, JsonValue input) {
        if (instructions != null) {
            out.add(textMessage("system", instructions));
        }
        if (input == null || input == JsonValue.NULL) {
            throw ApiException.badRequest("input", "Missing required parameter: 'input'.");
        }
        if (input instanceof JsonString s) {
            out.add(textMessage("user", s.getString()));
            return out;
        }
        if (!(input instanceof JsonArray array)) {
            throw ApiException.badRequest("input", "`input` must be a string or an array of input items.");
        }
        if (array.isEmpty()) {
            throw ApiException.badRequest("input", "`input` must contain at least one item.");
        }
        if (array.size() > ResponsesRequestParser.MAX_INPUT_ITEMS) {
            throw ApiException.badRequest("input", "`input` can have at most " + ResponsesRequestParser.MAX_INPUT_ITEMS
                    + " items.");
        }
        List<RequestWire.InputItem> items = bindItems(array);
        for (int i = 0; i < items.size(); i++) {
            item(items.get(i), "input[" + i + "]");
        }
        if (!userOrTool) {
            throw ApiException.badRequest("input", "`input` must contain a user message or a function_call_output.");
        }
        return out;
    }

    private static List<RequestWire.InputItem> bindItems(JsonArray array) {
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonObject)) {
                throw ApiException.badRequest("input", "input[" + i + "] must be an object.");
            }
        }
        try {
            return ResponsesJson.bind(array, ITEMS);
        } catch (JsonbException e) {
            for (int i = 0; i < array.size(); i++) {
                try {
                    ResponsesJson.bind(array.getJsonObject(i), RequestWire.InputItem.class);
                } catch (JsonbException itemError) {
                    throw ApiException.badRequest("input", "input[" + i + "] has a field of the wrong type: "
                            + "'type', 'role', 'id', 'status', 'call_id', 'name' and 'arguments' are strings.");
                }
            }
            throw ApiException.badRequest("input", "`input` is not a valid list of input items.");
        }
    }

    private void item(RequestWire.InputItem item, String at) {
        String type = item.type != null ? item.type : item.role != null ? "message" : null;
        if (type == null) {
            throw ApiException.badRequest("input", at + " must have a 'type' or a 'role'.");
        }
        switch (type) {
            case "message" -> message(item, at);
            case "function_call" -> functionCall(item, at);
            case "function_call_output" -> functionCallOutput(item, at);
            default -> throw ApiException.badRequest("input", "unsupported_value", at + " has unsupported type '"
                    + truncate(type) + "'; supported: 'message', 'function_call', 'function_call_output'.");
        }
    }

    private void message(RequestWire.InputItem item, String at) {
        if (item.role == null || !ROLES.contains(item.role)) {
            throw ApiException.badRequest("input", at + ".role must be one of 'user', 'assistant', 'system', "
                    + "'developer'.");
        }
        JsonValue content = content(item.content, at + ".content");
        userOrTool |= item.role.equals("user");
        out.add(new ChatMessage(item.role, content, null, null, List.of()));
    }

    private void functionCall(RequestWire.InputItem item, String at) {
        callId(item.callId, at);
        if (item.name == null || item.name.isEmpty()) {
            throw ApiException.badRequest("input", at + ".name is required for a function_call.");
        }
        ResponsesRequestParser.bounded("input", item.name, ResponsesRequestParser.MAX_ID_CHARS);
        ToolCall call = new ToolCall(item.callId, item.name, item.arguments == null ? "{}" : item.arguments);
        ChatMessage last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && last.role().equals("assistant")) {
            List<ToolCall> calls = new ArrayList<>(last.toolCalls());
            calls.add(call);
            out.set(out.size() - 1, new ChatMessage("assistant", last.content(), last.name(), null, calls));
        } else {
            out.add(new ChatMessage("assistant", JsonValue.NULL, null, null, List.of(call)));
        }
    }

    private void functionCallOutput(RequestWire.InputItem item, String at) {
        callId(item.callId, at);
        if (item.output == null || item.output == JsonValue.NULL) {
            throw ApiException.badRequest("input", at + ".output is required for a function_call_output.");
        }
        userOrTool = true;
        out.add(new ChatMessage("tool", content(item.output, at + ".output"), null, item.callId, List.of()));
    }

    private static void callId(String callId, String at) {
        if (callId == null || callId.isEmpty()) {
            throw ApiException.badRequest("input", at + ".call_id is required.");
        }
        if (callId.length() > ResponsesRequestParser.MAX_ID_CHARS) {
            throw ApiException.badRequest("input", at + ".call_id must be at most "
                    + ResponsesRequestParser.MAX_ID_CHARS + " characters.");
        }
    }

    /** A string as is; parts as chat content: all-text parts joined into one string, else chat parts. */
    private static JsonValue content(JsonValue content, String at) {
        if (content instanceof JsonString) {
            return content;
        }
        if (!(content instanceof JsonArray array)) {
            throw ApiException.badRequest("input", at + " must be a string or an array of content parts.");
        }
        if (array.size() > MAX_CONTENT_PARTS) {
            throw ApiException.badRequest("input", at + " can have at most " + MAX_CONTENT_PARTS + " parts.");
        }
        for (int p = 0; p < array.size(); p++) {
            if (!(array.get(p) instanceof JsonObject)) {
                throw ApiException.badRequest("input", at + "[" + p + "] must be an object with a string 'type'.");
            }
        }
        List<RequestWire.ContentPart> parts;
        try {
            parts = ResponsesJson.bind(array, PARTS);
        } catch (JsonbException e) {
            throw ApiException.badRequest("input", at + " has a part with a field of the wrong type: 'type', 'text', "
                    + "'image_url' and 'detail' are strings.");
        }
        boolean allText = true;
        JsonArrayBuilder chatParts = ResponsesJson.JSONP.createArrayBuilder();
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < parts.size(); p++) {
            JsonObject part = part(parts.get(p), at + "[" + p + "]");
            chatParts.add(part);
            if (part.getString("type").equals("text")) {
                text.append(p > 0 ? "\n" : "").append(part.getString("text"));
            } else {
                allText = false;
            }
        }
        return allText ? ResponsesJson.JSONP.createValue(text.toString()) : chatParts.build();
    }

    private static JsonObject part(RequestWire.ContentPart part, String at) {
        String type = part.type == null ? "" : part.type;
        switch (type) {
            case "input_text", "output_text" -> {
                if (part.text == null) {
                    throw ApiException.badRequest("input", at + ".text must be a string.");
                }
                return ResponsesJson.JSONP.createObjectBuilder().add("type", "text").add("text", part.text).build();
            }
            case "input_image" -> {
                if (part.imageUrl == null || part.imageUrl.isEmpty()) {
                    throw ApiException.badRequest("input", at + ".image_url is required (a URL or a data URL); "
                            + "'file_id' is not supported.");
                }
                JsonObjectBuilder url = ResponsesJson.JSONP.createObjectBuilder().add("url", part.imageUrl);
                if (part.detail != null) {
                    if (!DETAILS.contains(part.detail)) {
                        throw ApiException.badRequest("input", at + ".detail must be 'auto', 'low' or 'high'.");
                    }
                    url.add("detail", part.detail);
                }
                return ResponsesJson.JSONP.createObjectBuilder().add("type", "image_url").add("image_url", url).build();
            }
            default -> throw ApiException.badRequest("input", "unsupported_value", at + " has unsupported content "
                    + "part type '" + truncate(type) + "'; supported: 'input_text', 'output_text', 'input_image'.");
        }
    }

    private static ChatMessage textMessage(String role, String text) {
        return new ChatMessage(role, ResponsesJson.JSONP.createValue(text), null, null, List.of());
    }

    static String truncate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
