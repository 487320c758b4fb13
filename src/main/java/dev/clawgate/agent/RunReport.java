package dev.clawgate.agent;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.Usage;

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
 * @param toolRounds        model rounds whose server tools the gateway ran (0 without tools)
 */
public record RunReport(RunRequest request, Outcome outcome, ApiException error, String upstreamErrorKind,
                        Usage usage, long firstDeltaNanos, long endNanos, int toolRounds) {
    /** A run without tool rounds. */
    public RunReport(RunRequest request, Outcome outcome, ApiException error, String upstreamErrorKind, Usage usage,
                     long firstDeltaNanos, long endNanos) {
        this(request, outcome, error, upstreamErrorKind, usage, firstDeltaNanos, endNanos, 0);
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
