package dev.clawgate.caller;

/**
 * Where a finished run's token usage is charged to its caller (the token quotas). Called once per run, from the
 * front end's end-of-run report; must be cheap and must never block or throw.
 */
@FunctionalInterface
public interface UsageSink {
    /** Charges nothing. */
    UsageSink NONE = (caller, tokens) -> { };

    /**
     * @param caller who ran the request
     * @param tokens prompt + completion tokens of the run (reported by the upstream, or estimated when a cancelled
     *               run got no report); 0 charges nothing
     */
    void tokensUsed(Caller caller, long tokens);
}
