package dev.clawgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.clawgate.auth.ClientAddress;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.openai.ApiException;
import dev.clawgate.time.FakeScheduler;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The rate-limit filter alone, its buckets on a fake clock. */
class RateLimitFilterTest {
    private final FakeScheduler time = new FakeScheduler();
    private final HttpServletResponse response = mock(HttpServletResponse.class);

    private static HttpServletRequest request() {
        HttpServletRequest req = mock(HttpServletRequest.class);
        when(req.getHeaders("X-Forwarded-For")).thenReturn(java.util.Collections.emptyEnumeration());
        when(req.getRemoteAddr()).thenReturn("203.0.113.9");
        return req;
    }

    private RateLimitFilter filter(RateLimiter limiter) {
        return new RateLimitFilter(limiter, new ClientAddress(List.of()), GatewayEvents.NONE, 60);
    }

    @Test
    void aRequestWithinTheBurstPassesWithTheRateLimitHeaders() throws Exception {
        RateLimitFilter filter = filter(new RequestRateLimiter(time, 60, 2, 100));
        FilterChain chain = mock(FilterChain.class);
        HttpServletRequest req = request();
        filter.doFilter(req, response, chain);
        verify(chain).doFilter(req, response);
        verify(response).setHeader(RateLimitFilter.LIMIT, "2");
        verify(response).setHeader(RateLimitFilter.REMAINING, "1");
        verify(response).setHeader(RateLimitFilter.RESET, "1s");
    }

    @Test
    void overTheBurstIsThrownAs429UntilTheClockRefillsAToken() throws Exception {
        RateLimitFilter filter = filter(new RequestRateLimiter(time, 60, 1, 100));
        filter.doFilter(request(), response, mock(FilterChain.class));
        ApiException e = assertThrows(ApiException.class,
                () -> filter.doFilter(request(), response, mock(FilterChain.class)));
        assertEquals(429, e.status());
        assertEquals("rate_limit_exceeded", e.code());
        assertEquals(1L, e.retryAfterSeconds());
        time.advance(1, TimeUnit.SECONDS);
        FilterChain chain = mock(FilterChain.class);
        HttpServletRequest req = request();
        filter.doFilter(req, response, chain);
        verify(chain).doFilter(req, response);
    }

    @Test
    void anUnknownDecisionPassesTheRequestWithoutHeaders() throws Exception {
        RateLimitFilter filter = filter(client -> RateDecision.UNKNOWN);
        FilterChain chain = mock(FilterChain.class);
        HttpServletRequest req = request();
        filter.doFilter(req, response, chain);
        verify(chain).doFilter(req, response);
        verify(response, never()).setHeader(org.mockito.ArgumentMatchers.eq(RateLimitFilter.LIMIT),
                org.mockito.ArgumentMatchers.anyString());
    }
}
