package dev.clawgate.bench;

import dev.clawgate.RedisServer;
import dev.clawgate.it.GatewayServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The per-request cost of Redis-backed state ({@code bench/redis.sh}): one gateway in memory mode and one on a
 * redis-server of its own, each with the rate limit on, sending N stateless and N stateful (a session per 10 turns)
 * echo requests, sequentially and from C concurrent clients. Prints mean / p50 / p99 latency and the process CPU per
 * request (client and server share this JVM, so compare the two modes, not the absolute value). Each client has
 * its own address (X-Forwarded-For from the trusted loopback), so its own bucket. 127.0.0.1 only.
 * Arguments: N [2000], C [8].
 */
public final class RedisBench {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private RedisBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int c = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> common = Map.of("gateway.http.rateLimit.requestsPerMinute", "100000000",
                    "gateway.auth.rateLimit.exemptLoopback", "false", "gateway.trustedProxies", "127.0.0.1");
            GatewayServer memory = GatewayServer.start(common);
            Map<String, String> withRedis = new java.util.HashMap<>(common);
            withRedis.put("gateway.state.redis.url", redis.url());
            GatewayServer shared = GatewayServer.start(withRedis);
            try {
                System.out.printf("%-8s %-10s %-10s %8s %8s %8s %10s%n", "state", "requests", "clients",
                        "mean_ms", "p50_ms", "p99_ms", "cpu_us/req");
                for (boolean stateful : new boolean[] {false, true}) {
                    for (int clients : new int[] {1, c}) {
                        run("memory", memory, n / 5, clients, stateful, false); // warm-up
                        run("memory", memory, n, clients, stateful, true);
                        run("redis", shared, n / 5, clients, stateful, false);
                        run("redis", shared, n, clients, stateful, true);
                    }
                }
            } finally {
                memory.close();
                shared.close();
            }
        }
    }

    private static void run(String mode, GatewayServer server, int n, int clients, boolean stateful, boolean print)
            throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        long[] nanos = new long[n];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long cpu0 = cpuNanos();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int first = t;
            done.add(pool.submit(() -> {
                for (int i = first; i < n; i += clients) {
                    String user = stateful ? ",\"user\":\"bench-" + run + "-" + first + "-" + i / (10 * clients) + "\""
                            : "";
                    HttpRequest r = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
                            .header("Authorization", "Bearer " + GatewayServer.TOKEN)
                            .header("Content-Type", "application/json")
                            .header("X-Forwarded-For", "198.51.100." + (first + 1)) // one bucket per client
                            .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\","
                                    + "\"content\":\"hello there\"}]" + user + "}")).build();
                    long start = System.nanoTime();
                    HttpResponse<String> response = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
                    nanos[i] = System.nanoTime() - start;
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("status " + response.statusCode() + ": " + response.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long cpu = cpuNanos() - cpu0;
        pool.shutdown();
        if (print) {
            Arrays.sort(nanos);
            double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
            System.out.printf("%-8s %-10s %-10d %8.3f %8.3f %8.3f %10.0f%n", mode,
                    (stateful ? "stateful" : "stateless"), clients, mean, nanos[n / 2] / 1e6,
                    nanos[(int) (n * 0.99)] / 1e6, cpu / 1e3 / n);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
