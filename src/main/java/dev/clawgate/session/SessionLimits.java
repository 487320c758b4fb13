package dev.clawgate.session;

/**
 * The bounds every session store keeps.
 *
 * @param maxTranscriptMessages {@code gateway.state.maxTranscriptMessages}: messages kept per session; beyond it the
 *                              oldest turns are dropped whole [1000], at least 2
 * @param maxTranscriptBytes    {@code gateway.state.maxTranscriptBytes}: bytes kept per session, counted in the
 *                              stored form ({@link TurnRecords}, UTF-8 JSON); beyond it the oldest turns are dropped
 *                              whole [1048576]
 * @param maxMemoryBytes        {@code gateway.state.maxMemoryBytes}: bytes of all sessions of the memory store,
 *                              counted the same way; beyond it the least recently used sessions are dropped
 *                              [67108864], at least {@code maxTranscriptBytes}
 * @param maxQueuedTurns        {@code gateway.state.maxQueuedTurns}: turns that may wait behind the running one on
 *                              one session; one more is refused with 429 {@code session_busy} [32], 0 = none wait
 */
public record SessionLimits(int maxTranscriptMessages, long maxTranscriptBytes, long maxMemoryBytes,
                            int maxQueuedTurns) {
    /** The documented defaults. */
    public static final SessionLimits DEFAULTS = new SessionLimits(1000, 1_048_576, 67_108_864, 32);

    public SessionLimits {
        if (maxTranscriptMessages < 2 || maxTranscriptBytes < 1 || maxMemoryBytes < maxTranscriptBytes
                || maxQueuedTurns < 0) {
            throw new IllegalArgumentException("session limits out of range");
        }
    }
}
