package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Undeploying the WAR stops every thread it started; the JDK client's selector thread is not the webapp's. */
class UndeployTest {
    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet();
    }

    @Test
    void undeployStopsEveryGatewayThreadAndTheSelectorNeverHoldsTheWebappLoader() throws Exception {
        Set<Thread> before = threads();
        try (FakeUpstream upstream = FakeUpstream.start()) {
            GatewayServer server = GatewayServer.start("models.providers.fake.baseUrl", upstream.baseUrl(),
                    "agents.main.model", "fake/m");
            ClassLoader webapp = server.context().getClassLoader();
            server.api().body("{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200);
            List<Thread> selectors = threads().stream().filter(t -> !before.contains(t))
                    .filter(t -> t.getName().contains("SelectorManager")).collect(Collectors.toList());
            assertEquals(1, selectors.size(), "one JDK HttpClient for the one provider");
            assertNotEquals(webapp, selectors.get(0).getContextClassLoader());
            server.close();
        }
        List<String> left = threads().stream().filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName).filter(n -> n.startsWith("clawgate-")).collect(Collectors.toList());
        assertEquals(List.of(), left);
    }
}
