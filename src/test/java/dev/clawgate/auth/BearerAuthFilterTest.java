package dev.clawgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.clawgate.FakeClock;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.config.GatewayConfig.AuthMode;
import dev.clawgate.config.Secret;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.openai.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bearer filter alone, on mocks and a fake clock: it passes, or throws the error the route filter renders. */
class BearerAuthFilterTest {
    private static final String TOKEN = "right-token-0123456789";

    private final FakeClock clock = new FakeClock();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger lockouts = new AtomicInteger();
    private final GatewayEvents events = new GatewayEvents() {
        @Override
        public void authFailed() {
            failures.incrementAndGet();
        }

        @Override
        public void authLockedOut() {
            lockouts.incrementAndGet();
        }
    };
    private final GatewayConfig.Auth auth = new GatewayConfig.Auth(AuthMode.TOKEN, Secret.ofNullable(TOKEN), null,
            2, 60_000, 300_000, false, 100);
    private final BearerAuthFilter filter = new BearerAuthFilter(auth, true,
            new AuthLockout(clock, 2, 60_000, 300_000, 100), new ClientAddress(List.of()), events);
    private final HttpServletResponse response = mock(HttpServletResponse.class);

    private static HttpServletRequest request(String authorization) {
        HttpServletRequest req = mock(HttpServletRequest.class);
        when(req.getHeaders("X-Forwarded-For")).thenReturn(java.util.Collections.emptyEnumeration());
        when(req.getRemoteAddr()).thenReturn("203.0.113.7");
        when(req.getHeader("Authorization")).thenReturn(authorization);
        return req;
    }

    @Test
    void theRightTokenPassesTheRequestOn() throws Exception {
        FilterChain chain = mock(FilterChain.class);
        HttpServletRequest req = request("bearer  " + TOKEN + " ");
        filter.doFilter(req, response, chain);
        verify(chain).doFilter(req, response);
    }

    @Test
    void aWrongTokenIsThrownAs401AndCounted() throws Exception {
        FilterChain chain = mock(FilterChain.class);
        ApiException e = assertThrows(ApiException.class,
                () -> filter.doFilter(request("Bearer wrong"), response, chain));
        assertEquals(401, e.status());
        assertEquals("invalid_api_key", e.code());
        assertEquals(1, failures.get());
        verify(chain, never()).doFilter(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.any());
    }

    @Test
    void enoughWrongTokensLockTheClientOutEvenWithTheRightOneUntilTheLockoutEnds() throws Exception {
        assertThrows(ApiException.class, () -> filter.doFilter(request("Bearer w1"), response, mock(FilterChain.class)));
        assertThrows(ApiException.class, () -> filter.doFilter(request("Bearer w2"), response, mock(FilterChain.class)));
        ApiException locked = assertThrows(ApiException.class,
                () -> filter.doFilter(request("Bearer " + TOKEN), response, mock(FilterChain.class)));
        assertEquals(429, locked.status());
        assertEquals("auth_lockout", locked.code());
        assertEquals(300L, locked.retryAfterSeconds());
        clock.advance(Duration.ofMillis(300_000));
        FilterChain chain = mock(FilterChain.class);
        HttpServletRequest req = request("Bearer " + TOKEN);
        filter.doFilter(req, response, chain);
        verify(chain).doFilter(req, response);
    }

    @Test
    void aMissingCredentialIs401WithoutCountingTowardsTheLockout() {
        for (int i = 0; i < 5; i++) {
            ApiException e = assertThrows(ApiException.class,
                    () -> filter.doFilter(request(null), response, mock(FilterChain.class)));
            assertEquals(401, e.status());
        }
        assertEquals(0, lockouts.get());
    }

    @Test
    void theAttemptThatStartsALockoutLogsOneWarningWithTheClientAndAttemptsAndTheRefusalsLogNone() {
        java.util.List<String> warnings;
        try (dev.clawgate.JulCapture capture = dev.clawgate.JulCapture.of(BearerAuthFilter.class.getName(),
                java.util.logging.Level.WARNING)) {
            for (String secret : new String[] {"w1", "w2", "w3", TOKEN}) {
                assertThrows(ApiException.class,
                        () -> filter.doFilter(request("Bearer " + secret), response, mock(FilterChain.class)));
            }
            warnings = capture.messages();
        }
        assertEquals(java.util.List.of("clawgate: auth lockout started client=203.0.113.7 attempts=2"
                + " window_ms=60000 lockout_ms=300000"), warnings);
    }

    @Test
    void aForwardedClientNameThatIsNotAnAddressIsReducedToAddressCharactersInTheWarning() {
        String warning = filter.lockoutWarning("evil x=1\" \t");
        assertTrue(warning.startsWith("clawgate: auth lockout started client=evil?x?1??? attempts=2 "), warning);
    }
}
