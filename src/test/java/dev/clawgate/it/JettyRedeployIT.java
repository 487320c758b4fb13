package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's clean undeploy in the Jetty 12 distribution: its deployment scanner redeploys the WAR each time the
 * context XML changes; {@value RedeployLoop#CYCLES} redeploys under a trickle of requests leave exactly one
 * deployment's threads alive in Jetty's JVM (Jetty has no leak detector of its own: the count comes from a thread
 * dump), and no undeploy logs a failure.
 */
class JettyRedeployIT {
    @Test
    void twentyRedeploysUnderATrickleOfRequestsLeaveOneDeploymentsThreads() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             JettyDistribution jetty = JettyDistribution.startScanning("redeploy",
                     Integer.getInteger("it.redeploy.jetty.port"), Path.of("src/it/jetty/clawgate.xml"),
                     "it.upstream.port=" + java.net.URI.create(upstream.baseUrl()).getPort())) {
            HttpClient http = HttpClient.newHttpClient();
            RedeployLoop loop = new RedeployLoop(new RedeployLoop.Container() {
                private int from;

                @Override
                public void undeploy() throws Exception {
                    from = jetty.lines().size();
                    jetty.touchContext();
                    jetty.awaitLine(from, 30_000, "Stopped oeje10w.WebAppContext");
                }

                @Override
                public void deploy() throws Exception {
                    // the servlet context's own line: logged once the listener and every servlet have started
                    jetty.awaitLine(from, 30_000, "oejes.ServletContextHandler", "Started oeje10w.WebAppContext");
                    awaitMapped();
                }

                /**
                 * Jetty maps a started context into its handler collection asynchronously (deployHandler), a moment
                 * after its Started line: ask its health endpoint until it answers, within 10 s.
                 */
                private void awaitMapped() throws Exception {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    HttpRequest health = HttpRequest.newBuilder(URI.create(jetty.baseUrl() + "/healthz")).build();
                    while (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                        assertTrue(System.nanoTime() < deadline, "the redeployed context was never mapped");
                    }
                }

                @Override
                public String baseUrl() {
                    return jetty.baseUrl();
                }

                @Override
                public long pid() {
                    return jetty.pid();
                }
            });
            Map<Integer, Integer> statuses = loop.run();
            assertTrue(statuses.getOrDefault(200, 0) > 0, "the trickle was answered: " + statuses);
            List<String> failures = jetty.lines().stream().filter(l -> l.contains("WARN")
                    && (l.contains("WebAppContext") || l.contains("clawgate"))).toList();
            assertEquals(List.of(), failures);
            loop.assertOneDeploymentOfThreads();
        }
    }
}
