package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's clean undeploy in Tomcat 11: the WAR is undeployed and deployed again {@value RedeployLoop#CYCLES}
 * times through the manager under a trickle of requests, and Tomcat's leak detector — which checks, as each
 * undeploy ends, for threads the webapp started and left running — never reports one.
 */
class TomcatRedeployIT {
    @Test
    void twentyRedeploysUnderATrickleOfRequestsNeverTripTheLeakDetector() throws Exception {
        Path war = Path.of(System.getProperty("it.war"));
        Path descriptor = Path.of("src/it/tomcat/clawgate.xml");
        try (FakeUpstream upstream = FakeUpstream.start();
             TomcatServer tomcat = TomcatServer.start("redeploy", Integer.getInteger("it.redeploy.tomcat.port"),
                     "it.upstream.port=" + java.net.URI.create(upstream.baseUrl()).getPort())) {
            assertTrue(tomcat.deploy(war, descriptor).startsWith("OK"));
            RedeployLoop loop = new RedeployLoop(new RedeployLoop.Container() {
                @Override
                public void undeploy() throws Exception {
                    String answer = tomcat.undeploy();
                    assertTrue(answer.startsWith("OK"), answer);
                }

                @Override
                public void deploy() throws Exception {
                    String answer = tomcat.deploy(war, descriptor);
                    assertTrue(answer.startsWith("OK"), answer);
                }

                @Override
                public String baseUrl() {
                    return tomcat.baseUrl();
                }

                @Override
                public long pid() {
                    return tomcat.pid();
                }
            });
            Map<Integer, Integer> statuses = loop.run();
            assertTrue(statuses.getOrDefault(200, 0) > 0, "the trickle was answered: " + statuses);
            // the manager answers after the context stopped, the leak check included; each deploy waits for its
            // own log line, so every report of the undeploys before it has been read
            // (Tomcat's own utility thread is named too when the check catches it running the context's
            // backgroundProcess, which binds the web application's class loader for the while: not a thread of ours)
            List<String> leaks = tomcat.lines().stream().filter(l -> l.contains("failed to stop it")
                    || l.contains("appears to have started a thread"))
                    .filter(l -> !l.contains("thread named [Catalina-utility-")).toList();
            assertEquals(List.of(), leaks);
            loop.assertOneDeploymentOfThreads();
        }
    }
}
