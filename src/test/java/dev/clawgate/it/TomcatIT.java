package dev.clawgate.it;

/**
 * The contract against the built WAR in a real Tomcat (11 by default, 10.1 with {@code -Dtomcat.major=10}), which
 * Cargo starts before and stops after the integration tests; configured by {@code src/it/tomcat/clawgate.xml} as
 * {@code conf/Catalina/localhost/clawgate.xml} and {@code OPENCLAW_GATEWAY_TOKEN} in Tomcat's environment.
 */
class TomcatIT extends ContainerContract {
    @Override
    String baseUrl() {
        return System.getProperty("it.tomcat.url");
    }
}
