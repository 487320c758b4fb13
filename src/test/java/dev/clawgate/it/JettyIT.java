package dev.clawgate.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract against the built WAR in the real Jetty 12 distribution, configured by its context XML. */
class JettyIT extends ContainerContract {
    static JettyDistribution jetty;

    @BeforeAll
    static void start() throws Exception {
        jetty = JettyDistribution.start("contract", Integer.getInteger("it.jetty.port"),
                Path.of("src/it/jetty/clawgate.xml"), "it.upstream.port=" + System.getProperty("it.upstream.port"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    @Override
    String baseUrl() {
        return jetty.baseUrl();
    }
}
