package dev.clawgate.http;

import dev.clawgate.Gateway;
import dev.clawgate.Gateway.RequestRecord;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One log line per finished chat request, through {@code java.util.logging} (so it lands in the container's
 * logging): request id, agent, session kind, stream or not, status, outcome, duration, time to first token and
 * tokens. Never message content, never the session key. Logger {@code dev.clawgate.access} at INFO; set that logger
 * to WARNING in the container's logging configuration to turn the lines off.
 *
 * <p>Cheap on the hot path: the record names its source explicitly ({@code logp}), so JUL never walks the stack to
 * infer the caller (a formatter that prints the source, as Tomcat's does, would otherwise do that for every line),
 * and the line is built in one presized {@link StringBuilder}.
 */
final class RequestLog {
    static final String LOGGER = "dev.clawgate.access";
    private static final Logger LOG = Logger.getLogger(LOGGER);

    private RequestLog() {
    }

    static void install(Gateway gateway) {
        gateway.onRequestFinished(r -> {
            if (LOG.isLoggable(Level.INFO)) {
                LOG.logp(Level.INFO, LOGGER, "chat", line(r));
            }
        });
    }

    static String line(RequestRecord r) {
        StringBuilder b = new StringBuilder(200).append("chat request_id=").append(r.requestId())
                .append(" agent=").append(r.agent()).append(" session=").append(r.sessionKind())
                .append(" stream=").append(r.stream()).append(" status=").append(r.status())
                .append(" outcome=").append(r.outcome());
        if (r.errorType() != null) {
            b.append(" error=").append(r.errorType());
        }
        b.append(" duration_ms=").append(r.durationNanos() / 1_000_000).append(" ttft_ms=");
        if (r.ttftNanos() < 0) {
            b.append('-');
        } else {
            b.append(r.ttftNanos() / 1_000_000);
        }
        return b.append(" prompt_tokens=").append(r.promptTokens()).append(" completion_tokens=")
                .append(r.completionTokens()).toString();
    }
}
