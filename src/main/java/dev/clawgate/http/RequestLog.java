package dev.clawgate.http;

import dev.clawgate.Gateway;
import java.lang.System.Logger.Level;

/**
 * One log line per finished chat request, through {@link System.Logger} (so it lands in the container's logging):
 * request id, agent, session kind, stream or not, status, outcome, duration, time to first token and tokens. Never
 * message content, never the session key. Logger {@code dev.clawgate.access} at INFO.
 */
final class RequestLog {
    private static final System.Logger LOG = System.getLogger("dev.clawgate.access");

    private RequestLog() {
    }

    static void install(Gateway gateway) {
        gateway.onRequestFinished(r -> {
            if (LOG.isLoggable(Level.INFO)) {
                LOG.log(Level.INFO, "chat request_id=" + r.requestId() + " agent=" + r.agent() + " session="
                        + r.sessionKind() + " stream=" + r.stream() + " status=" + r.status() + " outcome="
                        + r.outcome() + (r.errorType() == null ? "" : " error=" + r.errorType())
                        + " duration_ms=" + r.durationNanos() / 1_000_000 + " ttft_ms="
                        + (r.ttftNanos() < 0 ? "-" : Long.toString(r.ttftNanos() / 1_000_000))
                        + " prompt_tokens=" + r.promptTokens() + " completion_tokens=" + r.completionTokens());
            }
        });
    }
}
