package dev.clawgate.agent;

import dev.clawgate.caller.Caller;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.session.SessionKey;
import dev.clawgate.trace.TraceContext;

/**
 * Everything one {@link AgentRun} is asked to do, decided by the front end before the run starts: the validated
 * request, the agent it was routed to, the session it belongs to, and the ids and start time the run reports back.
 * This is the record later policy extends (the caller's identity that scopes sessions and quotas, the fallback
 * chain of providers, the tools the agent may call), so front ends keep building one value and the run keeps one
 * constructor.
 *
 * @param chat       the validated chat request (messages, sampling parameters, {@code max_tokens})
 * @param agent      the agent that answers ({@code agents.<id>.*})
 * @param session    the session key; a stateless key means no transcript is read or written
 * @param requestId  the request's {@code x-request-id}, for the end-of-run report
 * @param startNanos when the request arrived, on the gateway's {@link dev.clawgate.time.Ticker}
 * @param caller     who asked (operator, client key or SSO user); its session namespace is already in
 *                   {@code session}, and the front end charges its quota from the {@link RunReport}
 * @param trace      the W3C trace context every upstream call of the run carries (retries and fallbacks too), and
 *                   whose trace id the access log shows; {@link TraceContext#NONE} (or null) when not traced
 * @throws ApiException 400 with {@code param} {@code n} when the agent has server tools
 *                      ({@code agents.<id>.mcpServers}) and more than one choice is asked: a tool loop follows one
 *                      line of conversation, so it answers one choice
 */
public record RunRequest(ChatRequest chat, AgentSpec agent, SessionKey session, String requestId, long startNanos,
                         Caller caller, TraceContext trace) {
    public RunRequest {
        trace = trace == null ? TraceContext.NONE : trace;
        if (agent.usesTools() && chat.choices() > 1) {
            throw ApiException.badRequest("n", "unsupported_value", "Agent '" + agent.id() + "' runs server tools"
                    + " and answers one choice: `n` must be 1, not " + chat.choices() + ".");
        }
    }

    /** A request of {@code caller}, not traced. */
    public RunRequest(ChatRequest chat, AgentSpec agent, SessionKey session, String requestId, long startNanos,
                      Caller caller) {
        this(chat, agent, session, requestId, startNanos, caller, TraceContext.NONE);
    }

    /** A request of the operator, not traced. */
    public RunRequest(ChatRequest chat, AgentSpec agent, SessionKey session, String requestId, long startNanos) {
        this(chat, agent, session, requestId, startNanos, Caller.OPERATOR, TraceContext.NONE);
    }
}
