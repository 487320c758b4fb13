package dev.clawgate.ratelimit;

import dev.clawgate.Gateway;
import dev.clawgate.cluster.RedisRateLimiter;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.http.ApiErrors;
import dev.clawgate.http.GatewayListener;
import dev.clawgate.http.RouteFilter;
import dev.clawgate.openai.ApiException;
import io.github.bucket4j.TimeMeter;
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
 * which the request passes unlimited and without the headers (fail open).
 */
public final class RateLimitFilter extends HttpFilter {
    public static final String LIMIT = "x-ratelimit-limit-requests";
    public static final String REMAINING = "x-ratelimit-remaining-requests";
    public static final String RESET = "x-ratelimit-reset-requests";

    private transient Gateway gateway;
    private transient RateLimiter limiter;

    @Override
    public void init() throws ServletException {
        gateway = GatewayListener.gateway(getServletContext());
        GatewayConfig.Http http = gateway.config().http();
        if (!http.rateLimitEnabled()) {
            limiter = null;
        } else if (gateway.redis() == null) {
            limiter = new RequestRateLimiter(TimeMeter.SYSTEM_NANOTIME, http.requestsPerMinute(), http.burst(),
                    http.maxTrackedClients());
        } else {
            limiter = new RedisRateLimiter(gateway.redis(), http.requestsPerMinute(), http.burst());
        }
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        RouteFilter.Route route = (RouteFilter.Route) req.getAttribute(RouteFilter.ROUTE);
        if (limiter == null || route != null && !route.protectedRoute()) {
            chain.doFilter(req, resp);
            return;
        }
        RequestRateLimiter.Decision d = limiter.tryAcquire(gateway.clientAddress().resolve(req));
        if (d == null) {
            chain.doFilter(req, resp);
            return;
        }
        resp.setHeader(LIMIT, Long.toString(d.limit()));
        resp.setHeader(REMAINING, Long.toString(d.remaining()));
        resp.setHeader(RESET, OpenAiDuration.format(d.resetNanos()));
        if (!d.allowed()) {
            gateway.events().rateLimited();
            ApiErrors.send(resp, new ApiException(429, "rate_limit_error", null, "rate_limit_exceeded",
                    "Rate limit reached for requests: " + d.limit() + " per burst, refilled at "
                            + gateway.config().http().requestsPerMinute() + " per minute. Please try again in "
                            + d.retryAfterSeconds() + "s.", d.retryAfterSeconds()));
            return;
        }
        chain.doFilter(req, resp);
    }
}
