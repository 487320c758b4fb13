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
 * @param promptEstimate    the prompt's size in tokens, estimated at one per {@value #CHARS_PER_TOKEN} characters;
 *                          0 when the prompt was never sent upstream
 * @param retried           the upstream calls given up for a retry or a fallback before one answered (or the last
 *                          failed), oldest first, over every model call of the run; empty when each first call answered
 * @param toolRounds        model rounds whose server tools the gateway ran (0 without tools)
 */
public record RunReport(RunRequest request, Outcome outcome, ApiException error, String upstreamErrorKind,
                        Usage usage, long firstDeltaNanos, long endNanos, long promptEstimate, List<Retried> retried,
                        int toolRounds) {
    /** Characters per token of the prompt estimate (OpenAI's rule of thumb for English). */
    public static final int CHARS_PER_TOKEN = 4;

    public RunReport {
        retried = List.copyOf(retried);
    }

    /** With no call given up and no tool round. */
    public RunReport(RunRequest request, Outcome outcome, ApiException error, String upstreamErrorKind, Usage usage,
                     long firstDeltaNanos, long endNanos, long promptEstimate) {
        this(request, outcome, error, upstreamErrorKind, usage, firstDeltaNanos, endNanos, promptEstimate, List.of(),
                0);
    }

    /**
     * The tokens the caller is charged: the upstream's prompt + completion when it reported usage; else, when the
     * run was not a failure (a stream cancelled or timed out before the usage arrived, or an upstream that never
     * reports usage), the prompt estimate; a failed run without usage costs nothing.
     */
    public long chargedTokens() {
        long reported = usage.promptTokens() + usage.completionTokens();
        return reported > 0 || outcome == Outcome.ERROR ? reported : promptEstimate;
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

    /** The prompt's tokens at one per {@link #CHARS_PER_TOKEN} characters of text, at least 1. */
    static long estimate(java.util.List<dev.clawgate.openai.ChatMessage> prompt) {
        long chars = 0;
        for (dev.clawgate.openai.ChatMessage m : prompt) {
            chars += m.text().length();
        }
        return Math.max(1, (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }
}
