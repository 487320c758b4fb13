package dev.clawgate.auth;

import dev.clawgate.caller.Caller;
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
import java.util.HexFormat;
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
 * <p>Callers ({@link Caller}, put on the request as {@link Caller#ATTRIBUTE} for routing, sessions, limits and
 * logs): the operator secret gets full access; in every mode a client API key ({@code gateway.auth.keys.<name>.*}
 * or the keys file, looked up by its SHA-256 in the {@link CallerDirectory}) gets its own agents and limits, and an
 * unknown, disabled or expired key is a wrong secret (401, counted by the lockout). In mode {@code trusted-proxy}
 * the user named by a trusted SSO proxy ({@link TrustedProxyAuth}) is the caller; a bearer credential still works
 * beside it. {@code /metrics} is the operator's only: 403 {@code permission_error} for anyone else. In mode
 * {@code none} everyone is the operator unless it presents a key.
 *
 * <p>A refusal is thrown as an {@link ApiException}; the route filter renders it. The attempt that starts a lockout
 * logs one WARNING, {@code clawgate: auth lockout started client=<address> attempts=<maxAttempts> window_ms=...
 * lockout_ms=...}; the refusals during the lockout log nothing (they are counted in the metrics).
 */
public final class BearerAuthFilter extends HttpFilter {
    static final String UNAUTHORIZED = "Unauthorized";
    static final String LOCKED_OUT = "Too many failed authentication attempts. Please try again later.";
    private static final String BEARER = "bearer ";
    private static final System.Logger LOG = System.getLogger(BearerAuthFilter.class.getName());

    private final transient GatewayConfig.Auth auth;
    private final boolean metricsAuth;
    private final byte[] expectedDigest;
    private final transient Lockout lockout;
    private final transient ClientAddress clientAddress;
    private final transient GatewayEvents events;
    private final transient CallerDirectory directory;
    private final transient TrustedProxyAuth trustedProxy;

    /** A filter without client keys or SSO users: the operator secret only. */
    public BearerAuthFilter(GatewayConfig.Auth auth, boolean metricsAuth, Lockout lockout,
                            ClientAddress clientAddress, GatewayEvents events) {
        this(auth, metricsAuth, lockout, clientAddress, events,
                new CallerDirectory(dev.clawgate.config.Access.NONE, java.time.Clock.systemUTC()), null);
    }

    /**
     * @param auth          {@code gateway.auth.*}
     * @param metricsAuth   {@code gateway.metrics.auth}: whether {@code /metrics} needs the secret
     * @param lockout       the failed-auth lockout ({@link AuthLockout} or {@link RedisLockout})
     * @param clientAddress resolves the client address (trusted proxies)
     * @param events        told about 401s and lockouts
     * @param directory     client keys and SSO users
     * @param config        the whole configuration, for mode trusted-proxy (its header rules and trusted proxies);
     *                      null: no SSO
     */
    public BearerAuthFilter(GatewayConfig.Auth auth, boolean metricsAuth, Lockout lockout,
                            ClientAddress clientAddress, GatewayEvents events, CallerDirectory directory,
                            GatewayConfig config) {
        this.auth = auth;
        this.metricsAuth = metricsAuth;
        Secret expected = auth.expectedSecret();
        this.expectedDigest = expected == null ? null : sha256(expected.reveal());
        this.lockout = lockout;
        this.clientAddress = clientAddress;
        this.events = events;
        this.directory = directory;
        this.trustedProxy = config == null || auth.mode() != AuthMode.TRUSTED_PROXY ? null
                : new TrustedProxyAuth(config.access().trustedProxy(), config.trustedProxyRanges(), directory);
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        Route route = Route.of(req);
        if (!needsAuth(route)) {
            chain.doFilter(req, resp);
            return;
        }
        if (auth.mode() == AuthMode.NONE) {
            String presented = bearer(req.getHeader("Authorization"));
            Caller key = presented == null ? null : directory.forKeyDigest(hex(sha256(presented)));
            pass(req, resp, chain, route, key == null ? Caller.OPERATOR : key);
            return;
        }
        Caller sso = trustedProxy == null ? null : trustedProxy.resolve(req);
        if (sso != null) {
            pass(req, resp, chain, route, sso);
            return;
        }
        String client = clientAddress.resolve(req);
        boolean tracked = !(auth.exemptLoopback() && ClientAddress.isLoopback(client));
        String presented = bearer(req.getHeader("Authorization"));
        Caller caller = presented == null ? null : identify(sha256(presented));
        boolean right = caller != null;
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
            pass(req, resp, chain, route, caller);
            return;
        }
        events.authFailed();
        if (verdict.lockedNow()) {
            events.authLockedOut();
            LOG.log(System.Logger.Level.WARNING, lockoutWarning(client));
        }
        throw new ApiException(401, "invalid_request_error", null, "invalid_api_key", UNAUTHORIZED);
    }

    /** The one warning per lockout start; the address is reduced to address characters, it may come from a header. */
    String lockoutWarning(String client) {
        return "clawgate: auth lockout started client=" + client.replaceAll("[^0-9A-Za-z:.%_-]", "?") + " attempts="
                + auth.maxAttempts() + " window_ms=" + auth.windowMs() + " lockout_ms=" + auth.lockoutMs();
    }

    /** The operator (constant-time compare with the secret) or the key with this digest; null when neither. */
    private Caller identify(byte[] digest) {
        if (expectedDigest != null && MessageDigest.isEqual(expectedDigest, digest)) {
            return Caller.OPERATOR;
        }
        return directory.forKeyDigest(hex(digest));
    }

    private static void pass(HttpServletRequest req, HttpServletResponse resp, FilterChain chain, Route route,
                             Caller caller) throws IOException, ServletException {
        if (route == Route.METRICS && caller.kind() != Caller.Kind.OPERATOR) {
            throw new ApiException(403, "permission_error", null, "operator_only",
                    "/metrics is for the operator secret only.");
        }
        req.setAttribute(Caller.ATTRIBUTE, caller);
        chain.doFilter(req, resp);
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
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
