package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The contract against the built WAR in a real Tomcat (11 by default, 10.1 with {@code -Dtomcat.major=10}), which
 * Cargo starts before and stops after the integration tests; configured by {@code src/it/tomcat/clawgate.xml} as
 * {@code conf/Catalina/localhost/clawgate.xml} and {@code OPENCLAW_GATEWAY_TOKEN} in Tomcat's environment.
 */
class TomcatIT extends ContainerContract {
    /** The descriptor sets {@code gateway.state.dir=${catalina.base}/clawgate-state}: the file session store. */
    @Test
    void userSessionsAreKeptInFilesUnderTheTomcatBase() throws Exception {
        Path dir = Path.of(System.getProperty("it.tomcat.base"), "clawgate-state");
        String user = "file-user-" + System.nanoTime();
        api().body("{\"user\":\"" + user + "\",\"messages\":[{\"role\":\"user\",\"content\":\"a b\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);
        try (Stream<Path> files = Files.walk(dir)) {
            assertTrue(files.anyMatch(Files::isRegularFile), "no session file under " + dir);
        }
    }

    @Override
    String baseUrl() {
        return System.getProperty("it.tomcat.url");
    }
}
