package dev.clawgate.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Fires many wrong-token requests from one forwarded client address at once and counts the statuses. */
final class LockoutBurst {
    private LockoutBurst() {
    }

    /**
     * Sends {@code n} requests at once, each from {@code clients[i % clients.length]} (an X-Forwarded-For address,
     * believed because the gateway trusts loopback) with {@code token}; returns how many got each status.
     */
    static Map<Integer, Integer> fire(List<GatewayServer> nodes, int n, String token, String... clients)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<Void>>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GatewayServer node = nodes.get(i % nodes.size());
            sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token)
                    .header("X-Forwarded-For", clients[i % clients.length])
                    .POST(HttpRequest.BodyPublishers.ofString(AuthTest.BODY)).build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (CompletableFuture<HttpResponse<Void>> f : sent) {
            statuses.merge(f.get(30, TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
        }
        return statuses;
    }
}
