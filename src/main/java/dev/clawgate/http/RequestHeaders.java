package dev.clawgate.http;

import dev.clawgate.agent.AgentRouter;
import dev.clawgate.openai.ChatRequestParser;
import dev.clawgate.session.SessionKeys;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The request headers a route reads after its body has arrived, taken while the container's dispatch still runs:
 * {@code x-openclaw-agent-id}, {@code x-openclaw-model}, {@code x-openclaw-session-key} and the headers of
 * {@code gateway.sessions.keyHeaders}. Names are looked up lower-cased.
 */
final class RequestHeaders {
    private static final List<String> FIXED = List.of(ChatCompletionsServlet.AGENT_HEADER, AgentRouter.MODEL_HEADER,
            SessionKeys.SESSION_HEADER);

    private final Map<String, String> values;

    private RequestHeaders(Map<String, String> values) {
        this.values = values;
    }

    static RequestHeaders of(HttpServletRequest req, SessionKeys sessionKeys) {
        Map<String, String> values = new HashMap<>();
        for (String name : FIXED) {
            put(values, name, req.getHeader(name));
        }
        for (String name : sessionKeys.keyHeaders()) {
            put(values, name, req.getHeader(name));
        }
        return new RequestHeaders(values);
    }

    private static void put(Map<String, String> values, String name, String value) {
        if (value != null) {
            values.put(name, value);
        }
    }

    /**
     * Checks every value against the parser's header bound ({@code gateway.http.maxHeaderChars}): 400 naming the
     * header otherwise.
     */
    void check(ChatRequestParser parser) {
        values.forEach(parser::checkHeader);
    }

    /** The header's value, or null when the request did not send it. */
    String get(String name) {
        return values.get(name.toLowerCase(Locale.ROOT));
    }
}
