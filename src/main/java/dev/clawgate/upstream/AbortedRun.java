package dev.clawgate.upstream;

/** The reason given to Jetty when the gateway aborts an upstream call; no stack trace, nothing secret. */
final class AbortedRun extends RuntimeException {
    AbortedRun() {
        super("upstream run ended by the gateway", null, false, false);
    }
}
