package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar target/clawgate.war check <file>} as a deploy script runs it: the built WAR as an executable jar,
 * no servlet container, exit 0 for a good file and 1 with start-up's one-line message for a bad one, never a secret.
 */
class CheckCommandIT {
    private static final Path WAR = Path.of(System.getProperty("it.war", "target/clawgate.war"));
    private static final Path WORK = Path.of(System.getProperty("it.work", "target/it-work"), "check");
    private static final String TOKEN = "check-it-token-0123456789abcdef-0123456789";

    private record Run(int code, String out, String err) {
    }

    private static Run check(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", WAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("OPENCLAW_GATEWAY_TOKEN");
        pb.environment().putAll(env);
        Files.createDirectories(WORK);
        Path out = Files.createTempFile(WORK, "out", ".txt");
        Path err = Files.createTempFile(WORK, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "check did not end");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path write(String name, String text) throws IOException {
        Files.createDirectories(WORK);
        return Files.writeString(WORK.resolve(name), text);
    }

    @Test
    void theShippedTomcatDescriptorChecksOutWithTheTokenInTheEnvironment() throws Exception {
        Run r = check(Map.of("OPENCLAW_GATEWAY_TOKEN", TOKEN), "check", "deploy/tomcat/clawgate.xml");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("clawgate check: deploy/tomcat/clawgate.xml: valid ("), r.out());
        assertEquals("", r.err());
        assertFalse(r.out().contains(TOKEN));
    }

    @Test
    void theShippedJettyContextXmlAndAnOpenClawJsonCheckOut() throws Exception {
        assertEquals(0, check(Map.of("OPENCLAW_GATEWAY_TOKEN", TOKEN), "check", "deploy/jetty/clawgate.xml").code());
        Path json = write("openclaw.json", "{\"gateway\":{\"http\":{\"endpoints\":{\"chatCompletions\":"
                + "{\"enabled\":true}}}},\"agents\":{\"list\":[{\"id\":\"main\",\"model\":\"echo/echo\"}]}}");
        Run r = check(Map.of("OPENCLAW_GATEWAY_TOKEN", TOKEN), "check", json.toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aTypoFailsWithExitOneAndOneLineNamingTheKey() throws Exception {
        String shipped = Files.readString(Path.of("deploy/tomcat/clawgate.xml"));
        Path typo = write("typo.xml", shipped.replace("name=\"agents.main.model\"", "name=\"agent.main.model\""));
        Run r = check(Map.of("OPENCLAW_GATEWAY_TOKEN", TOKEN), "check", typo.toString());
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals(List.of("clawgate: invalid configuration: agent.main.model: unknown prefix 'agent.' (did you"
                + " mean 'agents.'? clawgate's keys start with gateway. agents. models. mcp.)"), r.err().lines().toList());
    }

    @Test
    void aWeakOrMissingSecretFailsWithoutPrintingIt() throws Exception {
        String weak = "Sh0rt-But-Secret";
        Path file = write("weak.xml", "<Context><Parameter name=\"gateway.http.endpoints.chatCompletions.enabled\""
                + " value=\"true\"/><Parameter name=\"gateway.auth.token\" value=\"" + weak + "\"/></Context>");
        Run r = check(Map.of(), "check", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("clawgate: invalid configuration: gateway.auth.token: is shorter than 32"),
                r.err());
        assertFalse(r.err().contains(weak) || r.out().contains(weak), r.err());

        Run missing = check(Map.of(), "check", "deploy/tomcat/clawgate.xml");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("gateway.auth.token: is required for auth mode token, and"
                + " OPENCLAW_GATEWAY_TOKEN is not in this process's environment"), missing.err());
    }

    @Test
    void withoutACommandItPrintsUsageAndExitsTwo() throws Exception {
        Run r = check(Map.of());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("usage: java -jar clawgate.war check"), r.err());
    }
}
