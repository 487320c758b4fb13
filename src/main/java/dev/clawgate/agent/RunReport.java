package dev.clawgate.agent;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.Usage;
import java.util.List;

/**
 * How one {@link AgentRun} ended, given once to the run's end callback (the front end turns it into its access-log
 * and metrics record; per-caller quotas will read the usage from it). Holds no message content.
 *
 * @param request           what was asked
 * @param outcome           how it ended
 * @param error             the error the client was told, null when ok or cancelled
 * @param upstreamErrorKind {@link dev.clawgate.upstream.UpstreamErrors#kind} when the provider failed, else null
 * @param usage             tokens the model reported (zeros when none)
 * @param firstDeltaNanos   when the first content or tool-call delta arrived, -1 when none
 * @param endNanos          when the run ended
 * @param retried           the upstream calls given up for a retry or a fallback before one answered (or the last
 *                          failed), oldest first; empty when the first call answered
 */
public record RunReport(RunRequest request, Outcome outcome, ApiException error, String upstreamErrorKind,
                        Usage usage, long firstDeltaNanos, long endNanos, List<Retried> retried) {
    public RunReport {
        retried = List.copyOf(retried);
    }

    /** With no call given up. */
    public RunReport(RunRequest request, Outcome outcome, ApiException error, String upstreamErrorKind, Usage usage,
                     long firstDeltaNanos, long endNanos) {
        this(request, outcome, error, upstreamErrorKind, usage, firstDeltaNanos, endNanos, List.of());
    }

    /**
     * An upstream call given up before it answered.
     *
     * @param model    {@code <provider>/<model>} that failed
     * @param kind     how ({@link dev.clawgate.upstream.UpstreamErrors#kind})
     * @param next     {@code <provider>/<model>} tried next
     * @param fallback true when {@code next} is the next model of the agent's fallbacks, false for a retry
     */
    public record Retried(String model, String kind, String next, boolean fallback) {
    }

    /** How a run ended. */
    public enum Outcome {
        OK("ok"), ERROR("error"), CANCELLED("cancelled"), TIMEOUT("timeout");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        /** The label in logs and metrics. */
        public String label() {
            return label;
        }
    }
}
