package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Undeploying the WAR stops every thread it started, the upstream client's included. */
class UndeployTest {
    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet();
    }

    @Test
    void undeployStopsEveryGatewayThreadIncludingTheUpstreamClients() throws Exception {
        Set<Thread> before = threads();
        try (FakeUpstream upstream = FakeUpstream.start()) {
            GatewayServer server = GatewayServer.start("models.providers.fake.baseUrl", upstream.baseUrl(),
                    "agents.main.model", "fake/m");
            server.api().body("{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200);
            assertTrue(threads().stream().filter(t -> !before.contains(t))
                    .anyMatch(t -> t.getName().startsWith("clawgate-upstream-fake")), "the provider's client threads");
            server.close();
        }
        List<String> left = threads().stream().filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName).filter(n -> n.startsWith("clawgate-")).collect(Collectors.toList());
        assertEquals(List.of(), left);
    }
}
