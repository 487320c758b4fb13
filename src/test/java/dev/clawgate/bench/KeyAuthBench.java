package dev.clawgate.bench;

import dev.clawgate.FakeClock;
import dev.clawgate.auth.AuthLockout;
import dev.clawgate.auth.BearerAuthFilter;
import dev.clawgate.auth.CallerDirectory;
import dev.clawgate.auth.ClientAddress;
import dev.clawgate.caller.Caller;
import dev.clawgate.config.ConfigLoader;
import dev.clawgate.config.GatewayConfig;
import dev.clawgate.events.GatewayEvents;
import dev.clawgate.ratelimit.CallerLimitFilter;
import dev.clawgate.ratelimit.MemoryTokenQuotas;
import dev.clawgate.ratelimit.RequestRateLimiter;
import dev.clawgate.time.Ticker;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The added cost per request of a client key (issue 12, {@code bench/keys.sh}), in memory: one request through the
 * auth filter and the caller-limits filter with a client key (SHA-256, directory lookup, expiry check, the key's
 * request bucket, the token-quota check, six {@code x-ratelimit-*} headers, and the end-of-run quota charge), minus
 * the same request with the operator secret (SHA-256, constant-time compare, nothing else). Requests and responses are
 * {@link Proxy} stubs, the same for both, so their cost cancels out. Single thread, warm; prints ns per request for
 * each path (median of the rounds) and the difference. Arguments: rounds [7], iterations per round [1000000].
 */
public final class KeyAuthBench {
    static final String OPERATOR = "operator-secret-0123456789abcdef";
    static final String KEY = "6f1c5a0e9b7d3c2a4e8f0b1d3c5a7e9f6f1c5a0e9b7d3c2a4e8f0b1d3c5a7e9f";

    private KeyAuthBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(KEY.getBytes(StandardCharsets.UTF_8)));
        GatewayConfig config = new ConfigLoader(Map.of(), Map.of("gateway.auth.token", OPERATOR,
                "gateway.auth.keys.bench.sha256", digest, "gateway.auth.keys.bench.agents", "*",
                "gateway.auth.keys.bench.requestsPerMinute", "1000000000",
                "gateway.auth.keys.bench.tokensPerMinute", "1000000000000",
                "gateway.auth.keys.bench.tokensPerDay", "1000000000000000"), n -> null).load();
        FakeClock clock = new FakeClock();
        GatewayConfig.Auth auth = config.auth();
        BearerAuthFilter authFilter = new BearerAuthFilter(auth, true, new AuthLockout(clock, auth.maxAttempts(),
                auth.windowMs(), auth.lockoutMs(), auth.maxTrackedClients(), auth.ipv6Prefix()),
                new ClientAddress(List.of()), GatewayEvents.NONE, new CallerDirectory(config.access(), clock), config);
        MemoryTokenQuotas quotas = new MemoryTokenQuotas(clock);
        CallerLimitFilter limits = new CallerLimitFilter(rpm -> new RequestRateLimiter(Ticker.SYSTEM, rpm, rpm, 10_000),
                quotas, GatewayEvents.NONE);
        HttpServletResponse response = stub(HttpServletResponse.class, new HashMap<>(), null);
        FilterChain end = (rq, rs) -> { };
        FilterChain chain = (rq, rs) -> limits.doFilter(rq, rs, end);

        long[] operatorNs = new long[rounds];
        long[] keyNs = new long[rounds];
        for (int r = -2; r < rounds; r++) { // two warm-up rounds
            long op = run(authFilter, chain, response, OPERATOR, iterations, null);
            long key = run(authFilter, chain, response, KEY, iterations, quotas);
            if (r >= 0) {
                operatorNs[r] = op;
                keyNs[r] = key;
            }
        }
        Arrays.sort(operatorNs);
        Arrays.sort(keyNs);
        long op = operatorNs[rounds / 2];
        long key = keyNs[rounds / 2];
        System.out.printf("operator secret: %d ns/request%nclient key + limits + quota: %d ns/request%n"
                + "added by the key: %d ns/request (%.2f us)%n", op, key, key - op, (key - op) / 1000.0);
    }

    private static long run(BearerAuthFilter auth, FilterChain chain, HttpServletResponse response, String secret,
                            int iterations, MemoryTokenQuotas charge) throws Exception {
        Map<String, Object> attributes = new HashMap<>();
        HttpServletRequest request = stub(HttpServletRequest.class, attributes, "Bearer " + secret);
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            attributes.clear();
            attributes.put("dev.clawgate.http.Route", dev.clawgate.http.Route.CHAT_COMPLETIONS);
            auth.doFilter(request, response, chain);
            if (charge != null) {
                charge.tokensUsed((Caller) attributes.get(Caller.ATTRIBUTE), 30);
            }
        }
        return (System.nanoTime() - start) / iterations;
    }

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Map<String, Object> attributes, String authorization) {
        return (T) Proxy.newProxyInstance(KeyAuthBench.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, a) -> switch (method.getName()) {
                    case "getAttribute" -> attributes.get((String) a[0]);
                    case "setAttribute" -> attributes.put((String) a[0], a[1]);
                    case "getHeader" -> "Authorization".equals(a[0]) ? authorization : null;
                    case "getHeaders" -> java.util.Collections.emptyEnumeration();
                    case "getRemoteAddr" -> "127.0.0.1";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == a[0];
                    default -> method.getReturnType() == boolean.class ? false : null;
                });
    }
}
