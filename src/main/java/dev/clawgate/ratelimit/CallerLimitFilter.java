package dev.clawgate.ratelimit;

import dev.clawgate.caller.Caller;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.openai.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * The limits of one caller (a client key or SSO user, {@link Caller}), after the per-IP rate limit. Callers without
 * limits, and the operator, pass untouched.
 *
 * <ul>
 * <li>{@code requestsPerMinute}: a token bucket of that capacity, refilled with that many per minute, kept under the
 *     caller's id (one {@link RateLimiter} per distinct rate, in memory or Redis). Every response to the caller
 *     carries {@code x-ratelimit-limit-requests}, {@code -remaining-requests}, {@code -reset-requests} (they replace
 *     the per-IP limit's); over it: 429 {@code rate_limit_error} / {@code rate_limit_exceeded} with
 *     {@code Retry-After}.</li>
 * <li>{@code tokensPerMinute}, {@code tokensPerDay}: {@link TokenQuotas}. Every response carries
 *     {@code x-ratelimit-limit-tokens}, {@code -remaining-tokens}, {@code -reset-tokens} of the tightest window; a
 *     request is admitted while every window has tokens left, else 429 with type {@code tokens}, code
 *     {@code rate_limit_exceeded} and {@code Retry-After} (when the spent window starts over).</li>
 * </ul>
 * The request limit is taken first, so a request refused for tokens still spends a request. When Redis does not
 * answer the request passes without that limit's headers (fail open). Refusals are thrown as {@link ApiException}s
 * and counted ({@code quotaRejected(label, "requests" | "tokens")}).
 */
public final class CallerLimitFilter extends HttpFilter {
    public static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
    public static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
    public static final String RESET_TOKENS = "x-ratelimit-reset-tokens";

    private final transient LongFunction<RateLimiter> limiterFactory;
    private final transient Map<Long, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final transient TokenQuotas quotas;
    private final transient GatewayEvents events;

    /**
     * @param limiterFactory a limiter whose buckets hold and refill the given requests per minute
     * @param quotas         the token quotas
     * @param events         told about every refusal
     */
    public CallerLimitFilter(LongFunction<RateLimiter> limiterFactory, TokenQuotas quotas, GatewayEvents events) {
        this.limiterFactory = limiterFactory;
        this.quotas = quotas;
        this.events = events;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        Object attribute = req.getAttribute(Caller.ATTRIBUTE);
        if (attribute instanceof Caller caller) {
            if (caller.limitsRequests()) {
                limitRequests(caller, resp);
            }
            if (caller.limitsTokens()) {
                limitTokens(caller, resp);
            }
        }
        chain.doFilter(req, resp);
    }

    private void limitRequests(Caller caller, HttpServletResponse resp) {
        long rpm = caller.requestsPerMinute();
        RateDecision d = limiters.computeIfAbsent(rpm, limiterFactory::apply).tryAcquire(caller.id());
        if (d.kind() == RateDecision.Kind.UNKNOWN) {
            return;
        }
        resp.setHeader(RateLimitFilter.LIMIT, Long.toString(d.limit()));
        resp.setHeader(RateLimitFilter.REMAINING, Long.toString(d.remaining()));
        resp.setHeader(RateLimitFilter.RESET, OpenAiDuration.format(d.resetNanos()));
        if (!d.allowed()) {
            events.quotaRejected(caller.label(), "requests");
            throw new ApiException(429, "rate_limit_error", null, "rate_limit_exceeded",
                    "Rate limit reached for requests: " + rpm + " per minute for this API key or user. Please try "
                            + "again in " + d.retryAfterSeconds() + "s.", d.retryAfterSeconds());
        }
    }

    private void limitTokens(Caller caller, HttpServletResponse resp) {
        QuotaDecision q = quotas.check(caller);
        if (q.kind() == QuotaDecision.Kind.UNKNOWN) {
            return;
        }
        resp.setHeader(LIMIT_TOKENS, Long.toString(q.limit()));
        resp.setHeader(REMAINING_TOKENS, Long.toString(q.remaining()));
        resp.setHeader(RESET_TOKENS, OpenAiDuration.format(q.resetNanos()));
        if (q.kind() == QuotaDecision.Kind.REFUSED) {
            events.quotaRejected(caller.label(), "tokens");
            throw new ApiException(429, "tokens", null, "rate_limit_exceeded",
                    "Rate limit reached for tokens per " + q.window() + ": limit " + q.limit()
                            + ", remaining 0. Please try again in " + OpenAiDuration.format(q.resetNanos()) + ".",
                    q.retryAfterSeconds());
        }
    }
}
