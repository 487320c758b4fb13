package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Undeploys and redeploys the WAR in a real container {@code cycles} times while a trickle of requests (one every
 * {@value #TRICKLE_MS} ms: echo streamed and not, the upstream agent, a user session) keeps arriving, checks after
 * each redeploy that the new deployment answers, and at the end counts the gateway's threads in the container's JVM
 * from a thread dump ({@code jcmd <pid> Thread.print}): exactly one deployment's worth may be alive, whatever the
 * number of cycles.
 */
final class RedeployLoop {
    static final int CYCLES = 20;
    static final long TRICKLE_MS = 25;
    private static final Pattern THREAD = Pattern.compile("^\"(clawgate-[a-z]+(?:-[a-z]+)?)[^\"]*\"",
            Pattern.MULTILINE);

    /** One container's way to undeploy and deploy the WAR, each returning once done. */
    interface Container {
        void undeploy() throws Exception;

        void deploy() throws Exception;

        String baseUrl();

        long pid();
    }

    private final Container container;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Integer, AtomicInteger> trickleStatuses = new ConcurrentHashMap<>();

    RedeployLoop(Container container) {
        this.container = container;
    }

    /** Runs the cycles; returns the statuses the trickle got, by status (0: no answer). */
    Map<Integer, Integer> run() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redeploy-trickle");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger n = new AtomicInteger();
        trickle.scheduleAtFixedRate(() -> trickleStatuses.computeIfAbsent(send(n.getAndIncrement()),
                s -> new AtomicInteger()).incrementAndGet(), 0, TRICKLE_MS, TimeUnit.MILLISECONDS);
        try {
            for (int i = 0; i < CYCLES; i++) {
                container.undeploy();
                container.deploy();
                assertEquals(200, send(0), "cycle " + (i + 1) + ": the redeployed WAR answers");
            }
        } finally {
            trickle.shutdownNow();
            trickle.awaitTermination(10, TimeUnit.SECONDS);
        }
        Map<Integer, Integer> out = new TreeMap<>();
        trickleStatuses.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The request of trickle step {@code i}; its status, 0 when there was no answer. */
    private int send(int i) {
        String body = switch (i % 4) {
            case 0 -> "{\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
            case 1 -> "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream me\"}]}";
            case 2 -> "{\"model\":\"openclaw:upstream\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            default -> "{\"user\":\"redeploy\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}";
        };
        try {
            return http.send(HttpRequest.newBuilder(URI.create(container.baseUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + JettyDistribution.TOKEN)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The gateway's threads alive in the container's JVM now, counted by name (numbers stripped). */
    Map<String, Integer> gatewayThreads() throws Exception {
        String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(container.pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, dump);
        Map<String, Integer> counts = new TreeMap<>();
        Matcher m = THREAD.matcher(dump);
        while (m.find()) {
            counts.merge(m.group(1), 1, Integer::sum);
        }
        return counts;
    }

    /** Asserts that no more of the gateway's threads are alive than one deployment starts. */
    void assertOneDeploymentOfThreads() throws Exception {
        Map<String, Integer> threads = gatewayThreads();
        List<String> tooMany = new ArrayList<>();
        threads.forEach((name, count) -> {
            int max = name.equals("clawgate-timer") ? 1 : name.startsWith("clawgate-upstream") ? 8 : 2;
            if (count > max) {
                tooMany.add(name + " x" + count);
            }
        });
        assertEquals(List.of(), tooMany, "threads after " + CYCLES + " redeploys: " + threads);
        assertEquals(1, threads.getOrDefault("clawgate-timer", 0), "the live deployment's timer: " + threads);
    }
}
