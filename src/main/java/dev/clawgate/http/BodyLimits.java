package dev.clawgate.http;

import dev.clawgate.time.Scheduler;

/**
 * What bounds the reading of every request body, shared by all of them.
 *
 * @param maxBytes  {@code gateway.http.maxBodyBytes}: largest body, bytes (413 beyond) [20971520]
 * @param timeoutMs {@code gateway.http.bodyTimeoutMs}: longest the whole body may take to arrive, from the moment the
 *                  request goes async, ms (408 {@code request_timeout} after) [30000]
 * @param budget    {@code gateway.http.maxBodyBytesInFlight}: body bytes held at once by all requests (503 beyond)
 * @param scheduler the gateway's timer, which runs the body deadline
 */
public record BodyLimits(long maxBytes, long timeoutMs, BodyBudget budget, Scheduler scheduler) {
}
