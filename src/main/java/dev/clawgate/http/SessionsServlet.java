package dev.clawgate.http;

import dev.clawgate.agent.AgentRouter;
import dev.clawgate.agent.AgentRunner;
import dev.clawgate.caller.Caller;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatRequestParser;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionKeys;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;

/**
 * {@code DELETE /v1/sessions}: forgets one session's transcript, in whichever store holds it. The session is named
 * as a chat request names it ({@link SessionKeys}): header {@code x-openclaw-session-key}, a header of
 * {@code gateway.sessions.keyHeaders}, or a JSON body {@code {"user":"…"}} (with {@code gateway.sessions.userField}
 * = {@code session}); the agent of a {@code user} or configured-header key comes from {@code x-openclaw-agent-id} or
 * the body's {@code model}, as for chat (default agent otherwise). 204 when a transcript was there and is gone (the
 * next turn on the key starts fresh), 404 {@code session_not_found} when there was none, 400
 * {@code missing_session_key} when nothing names a session. The delete waits, without a thread, for the turns
 * running on the key. Same route checks, auth and rate limit as the other {@code /v1/} routes; the body is read
 * without blocking, bounded by {@link BodyLimits}. Sessions are the caller's ({@link Caller}): the key is looked up
 * in its namespace, as its chat requests store it, and the agent must be one it is allowed (else 403
 * {@code agent_not_allowed}), so a caller can delete only its own transcripts.
 */
public final class SessionsServlet extends HttpServlet {
    private static final System.Logger LOG = System.getLogger(SessionsServlet.class.getName());
    /** Unread response bytes allowed: the only body written is one short JSON error, well under this. */
    private static final long MAX_QUEUED_BYTES = 64 * 1024;

    private final transient ChatRequestParser json;
    private final transient AgentRouter router;
    private final transient AgentRunner runner;
    private final transient SessionKeys sessionKeys;
    private final transient BodyLimits bodyLimits;
    private final long timeoutMs;

    /**
     * @param bodyLimits what bounds reading a body: size, deadline, the gateway-wide budget
     * @param timeoutMs  {@code gateway.http.streamTimeoutMs}: the async timeout, ms
     */
    public SessionsServlet(ChatRequestParser json, AgentRouter router, AgentRunner runner, SessionKeys sessionKeys,
                           BodyLimits bodyLimits, long timeoutMs) {
        this.json = json;
        this.router = router;
        this.runner = runner;
        this.sessionKeys = sessionKeys;
        this.bodyLimits = bodyLimits;
        this.timeoutMs = timeoutMs;
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long declared = req.getContentLengthLong();
        if (declared > bodyLimits.maxBytes()) {
            UnreadBody.refuse(req, resp, BodyReader.tooLarge(bodyLimits.maxBytes()));
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(timeoutMs);
        RequestHeaders headers = RequestHeaders.of(req, sessionKeys);
        Caller caller = Caller.of(req.getAttribute(Caller.ATTRIBUTE));
        BodyReader[] reader = new BodyReader[1];
        try {
            reader[0] = BodyReader.start(async, bodyLimits, declared,
                    body -> delete(async, resp, reader[0], body, headers, caller));
        } catch (ApiException refused) {
            ApiErrors.send(resp, refused);
            complete(async);
        }
    }

    /** The body is there (on a container thread): name the session and delete it; the store answers later. */
    private void delete(AsyncContext async, HttpServletResponse resp, BodyReader reader, BodyReader.Body body,
                        RequestHeaders headers, Caller caller) {
        AsyncWriter out;
        try {
            out = new AsyncWriter(async, MAX_QUEUED_BYTES, failure -> { });
            reader.handOff(new WriterEnd(out)); // a client gone before the store answers: no write after the end
        } catch (IOException | RuntimeException e) {
            complete(async);
            return;
        }
        SessionKey key;
        try {
            String user = null;
            String model = null;
            if (body.length() > 0 && !blank(body)) {
                if (!(json.readJson(body.bytes(), body.length()) instanceof JsonObject o)) {
                    throw ApiException.badRequest(null, "The request body must be a JSON object.");
                }
                user = string(o, "user");
                model = string(o, "model");
            }
            AgentSpec agent = router.route(model, headers.get(ChatCompletionsServlet.AGENT_HEADER), caller);
            key = sessionKeys.sessionOf(headers::get, user, agent.id(), caller.sessionNamespace());
            if (!key.stateful()) {
                throw ApiException.badRequest(null, "missing_session_key", "Name the session to delete: header "
                        + SessionKeys.SESSION_HEADER + ", a header of gateway.sessions.keyHeaders, or a JSON body "
                        + "{\"user\": …}.");
            }
        } catch (ApiException e) {
            error(out, resp, e);
            return;
        }
        runner.forget(key).whenComplete((found, failure) -> {
            if (failure == null) {
                if (found) {
                    resp.setStatus(204);
                    out.close();
                } else {
                    error(out, resp, new ApiException(404, "invalid_request_error", null, "session_not_found",
                            "There is no stored session with this key."));
                }
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof ApiException refused) {
                error(out, resp, refused);
            } else {
                LOG.log(Level.WARNING, "clawgate: session delete failed: " + cause.getClass().getName());
                error(out, resp, ApiException.storeUnavailable());
            }
        });
    }

    private static void error(AsyncWriter out, HttpServletResponse resp, ApiException e) {
        try {
            out.write(ApiErrors.prepare(resp, e));
        } catch (IllegalStateException committed) {
            // the request timed out meanwhile
        }
        out.close();
    }

    private static boolean blank(BodyReader.Body body) {
        for (int i = 0; i < body.length(); i++) {
            if (!Character.isWhitespace(body.bytes()[i])) {
                return false;
            }
        }
        return true;
    }

    private static String string(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw ApiException.badRequest(field, "`" + field + "` must be a string.");
        }
        return s.getString().isBlank() ? null : s.getString();
    }

    private static void complete(AsyncContext async) {
        try {
            async.complete();
        } catch (IllegalStateException ignored) {
            // already completed
        }
    }
}
