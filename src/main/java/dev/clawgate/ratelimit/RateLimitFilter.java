package dev.clawgate.ratelimit;

import dev.clawgate.auth.ClientAddress;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.http.Route;
import dev.clawgate.openai.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The request rate limit filter (SPEC §4), after auth, so a 401 costs the client no token. Off while
 * {@code gateway.http.rateLimit.requestsPerMinute} is 0 [default]. Each request on a protected route (everything but
 * {@code /healthz} and {@code /readyz}) takes a token from its client's bucket ({@link RequestRateLimiter}; the
 * client address as {@link dev.clawgate.auth.ClientAddress} resolves it, loopback included). Every response that
 * passed through carries {@code x-ratelimit-limit-requests} (the capacity), {@code x-ratelimit-remaining-requests}
 * and {@code x-ratelimit-reset-requests} (time until full, e.g. {@code 6m0s}), set before the servlet runs, so
 * streams carry them too. Over the limit: 429 {@code rate_limit_error} / {@code rate_limit_exceeded} with
 * {@code Retry-After} in seconds, rounded up. Never blocks, except with {@code gateway.state.redis.url}: then the
 * buckets are shared by every node ({@link RedisRateLimiter}) and the filter waits for Redis at most 250 ms, after
 * which the request passes unlimited and without the headers (fail open, {@link RateDecision#UNKNOWN}). A refusal is
 * thrown as an {@link ApiException}; the route filter renders it.
 */
public final class RateLimitFilter extends HttpFilter {
    public static final String LIMIT = "x-ratelimit-limit-requests";
    public static final String REMAINING = "x-ratelimit-remaining-requests";
    public static final String RESET = "x-ratelimit-reset-requests";

    private final transient RateLimiter limiter;
    private final transient ClientAddress clientAddress;
    private final transient GatewayEvents events;
    private final long requestsPerMinute;

    /**
     * @param limiter           the buckets; null when the limit is off
     * @param clientAddress     resolves the client address (trusted proxies)
     * @param events            told about every refusal
     * @param requestsPerMinute {@code gateway.http.rateLimit.requestsPerMinute}, for the refusal's message
     */
    public RateLimitFilter(RateLimiter limiter, ClientAddress clientAddress, GatewayEvents events,
                           long requestsPerMinute) {
        this.limiter = limiter;
        this.clientAddress = clientAddress;
        this.events = events;
        this.requestsPerMinute = requestsPerMinute;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        Route route = Route.of(req);
        if (limiter == null || route != null && !route.protectedRoute()) {
            chain.doFilter(req, resp);
            return;
        }
        RateDecision d = limiter.tryAcquire(clientAddress.resolve(req));
        if (d.kind() == RateDecision.Kind.UNKNOWN) {
            chain.doFilter(req, resp);
            return;
        }
        resp.setHeader(LIMIT, Long.toString(d.limit()));
        resp.setHeader(REMAINING, Long.toString(d.remaining()));
        resp.setHeader(RESET, OpenAiDuration.format(d.resetNanos()));
        if (!d.allowed()) {
            events.rateLimited();
            throw new ApiException(429, "rate_limit_error", null, "rate_limit_exceeded",
                    "Rate limit reached for requests: " + d.limit() + " per burst, refilled at "
                            + requestsPerMinute + " per minute. Please try again in "
                            + d.retryAfterSeconds() + "s.", d.retryAfterSeconds());
        }
        chain.doFilter(req, resp);
    }
}
