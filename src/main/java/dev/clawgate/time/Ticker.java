package dev.clawgate.time;

/**
 * A monotonic time source in nanoseconds, with {@link System#nanoTime()}'s meaning: only differences between two
 * readings count. Everything that measures an elapsed time (heartbeat idleness, upstream silence, echo pacing, rate
 * limit buckets, warning throttles, request durations) reads it through this interface, so a test can move time
 * instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
    /** The JVM's monotonic clock. */
    Ticker SYSTEM = System::nanoTime;

    /** The current reading, in nanoseconds. */
    long nanoTime();
}
