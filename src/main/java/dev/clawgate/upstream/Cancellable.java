package dev.clawgate.upstream;

/** Stops a running upstream call at once; idempotent, callable from any thread. */
@FunctionalInterface
public interface Cancellable {
    void cancel();
}
