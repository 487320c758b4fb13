package dev.clawgate.auth;

import dev.clawgate.config.GatewayConfig;
import dev.clawgate.config.GatewayConfig.AuthMode;
import dev.clawgate.config.Secret;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.http.Route;
import dev.clawgate.openai.ApiException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Bearer authentication (SPEC §3), before any body is read. The client sends {@code Authorization: Bearer <secret>}
 * ("Bearer" in any case, the value trimmed); in {@code gateway.auth.mode=token} [default] the secret is
 * {@code gateway.auth.token} (env {@code OPENCLAW_GATEWAY_TOKEN}), in {@code password} mode
 * {@code gateway.auth.password} (env {@code OPENCLAW_GATEWAY_PASSWORD}); mode {@code none} (only with
 * {@code gateway.auth.allowNone=true}) lets everyone in. The comparison is constant-time over SHA-256 digests.
 *
 * <p>Order: a locked-out client gets 429 {@code auth_lockout} with {@code Retry-After}, even with the right secret;
 * else a missing credential is a 401 that does not count towards the lockout; a wrong one is a 401 that does
 * ({@link AuthLockout}); a right one resets the client's failures. The lockout check and the record of the attempt
 * are one atomic step ({@link Lockout#attempt}) taken after the constant-time compare, and the compare's result is
 * used only when that step lets the attempt be answered, so a locked client learns nothing from it and a parallel
 * burst gets at most {@code maxAttempts} answers. IPv6 clients are counted per
 * {@code gateway.auth.rateLimit.ipv6Prefix} [64]-bit network. Loopback clients (after trusted-proxy
 * resolution, {@link ClientAddress}) skip the lockout when {@code gateway.auth.rateLimit.exemptLoopback} [true].
 * Routes whose {@link Route#protectedRoute()} is false ({@code /healthz}, {@code /readyz}) pass
 * untouched, and {@code /metrics} does unless {@code gateway.metrics.auth} [true]. Neither the secret nor the
 * presented header is ever logged or echoed. With {@code gateway.state.redis.url} the lockout is shared by every
 * node ({@link RedisLockout}) and fails open when Redis does not answer within 250 ms.
 *
 * <p>A refusal is thrown as an {@link ApiException}; the route filter renders it.
 */
public final class BearerAuthFilter extends HttpFilter {
    static final String UNAUTHORIZED = "Unauthorized";
    static final String LOCKED_OUT = "Too many failed authentication attempts. Please try again later.";
    private static final String BEARER = "bearer ";

    private final transient GatewayConfig.Auth auth;
    private final boolean metricsAuth;
    private final byte[] expectedDigest;
    private final transient Lockout lockout;
    private final transient ClientAddress clientAddress;
    private final transient GatewayEvents events;

    /**
     * @param auth          {@code gateway.auth.*}
     * @param metricsAuth   {@code gateway.metrics.auth}: whether {@code /metrics} needs the secret
     * @param lockout       the failed-auth lockout ({@link AuthLockout} or {@link RedisLockout})
     * @param clientAddress resolves the client address (trusted proxies)
     * @param events        told about 401s and lockouts
     */
    public BearerAuthFilter(GatewayConfig.Auth auth, boolean metricsAuth, Lockout lockout,
                            ClientAddress clientAddress, GatewayEvents events) {
        this.auth = auth;
        this.metricsAuth = metricsAuth;
        Secret expected = auth.expectedSecret();
        this.expectedDigest = expected == null ? null : sha256(expected.reveal());
        this.lockout = lockout;
        this.clientAddress = clientAddress;
        this.events = events;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        if (auth.mode() == AuthMode.NONE || !needsAuth(Route.of(req))) {
            chain.doFilter(req, resp);
            return;
        }
        String client = clientAddress.resolve(req);
        boolean tracked = !(auth.exemptLoopback() && ClientAddress.isLoopback(client));
        String presented = bearer(req.getHeader("Authorization"));
        boolean right = presented != null && expectedDigest != null
                && MessageDigest.isEqual(expectedDigest, sha256(presented));
        // one atomic check-and-record; the compare's result reaches the client only if the lockout lets it
        Lockout.Verdict verdict = !tracked ? Lockout.Verdict.ANSWER
                : presented == null ? new Lockout.Verdict(lockout.lockedForMs(client), false)
                : lockout.attempt(client, right);
        if (verdict.refused()) {
            events.authLockedOut();
            throw new ApiException(429, "rate_limit_error", null, "auth_lockout", LOCKED_OUT,
                    (verdict.lockedForMs() + 999) / 1000);
        }
        if (right) {
            chain.doFilter(req, resp);
            return;
        }
        events.authFailed();
        if (verdict.lockedNow()) {
            events.authLockedOut();
        }
        throw new ApiException(401, "invalid_request_error", null, "invalid_api_key", UNAUTHORIZED);
    }

    private boolean needsAuth(Route route) {
        if (route == null) {
            return true;
        }
        return route.protectedRoute() && (route != Route.METRICS || metricsAuth);
    }

    /** The credential of an {@code Authorization: Bearer} header, trimmed; null when absent, empty or another scheme. */
    static String bearer(String header) {
        if (header == null || header.length() <= BEARER.length()
                || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return null;
        }
        String value = header.substring(BEARER.length()).trim();
        return value.isEmpty() ? null : value;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
