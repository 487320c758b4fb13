package dev.clawgate.http;

/**
 * The byte side of an async response as the reply sinks see it ({@link AsyncWriter} in production, a recording fake
 * in tests): non-blocking queued writes, backpressure, and one end.
 */
interface ResponseOutput {
    /** Queues {@code bytes}; a failure is reported to the failure callback before this returns. False once failed. */
    boolean write(byte[] bytes);

    /**
     * Like {@link #write} but never runs the failure callback: call {@link #reportFailure()} after releasing any
     * lock the callback could need (the heartbeat does this).
     */
    boolean offer(byte[] bytes);

    /** Runs the failure callback now if a write has failed and it has not run yet. */
    void reportFailure();

    /** Holds writes until {@link #uncork()}. */
    void cork();

    void uncork();

    /** Runs {@code next} once the client has taken most of what is queued (at once when little is). */
    void whenDrained(Runnable next);

    boolean failed();

    /** Sends what is queued, then completes the response. */
    void close();
}
