package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check <file>} on the three shapes of configuration, with start-up's validation and messages. */
class ConfigCheckTest {
    private static final String TOKEN = "check-test-token-0123456789abcdef-0123";
    private static final Map<String, String> ENV = Map.of("OPENCLAW_GATEWAY_TOKEN", TOKEN);

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result check(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ConfigCheck.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), env::get);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result checkText(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return check(ENV, "check", file.toString());
    }

    private static String tomcat(String... params) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?>\n<Context>\n");
        for (int i = 0; i < params.length; i += 2) {
            b.append("  <Parameter name=\"").append(params[i]).append("\" value=\"").append(params[i + 1])
                    .append("\" override=\"false\"/>\n");
        }
        return b.append("</Context>\n").toString();
    }

    @Test
    void theShippedTomcatAndJettyDescriptorsAreValid() {
        for (String file : new String[] {"deploy/tomcat/clawgate.xml", "deploy/jetty/clawgate.xml"}) {
            Result r = check(ENV, "check", file);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("clawgate check: " + file + ": valid ("), r.out());
            assertTrue(r.out().contains("endpoint enabled") && r.out().contains("auth.secret set"), r.out());
            assertFalse(r.out().contains(TOKEN));
        }
    }

    @Test
    void aBadValueInADescriptorFailsWithStartUpsOneLineNamingTheKey() throws Exception {
        Result r = checkText("clawgate.xml", tomcat("gateway.http.endpoints.chatCompletions.enabled", "true",
                "gateway.http.maxBodyBytes", "lots"));
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("clawgate: invalid configuration: gateway.http.maxBodyBytes: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aTypoInAPrefixFailsTheCheck() throws Exception {
        Result r = checkText("clawgate.xml", tomcat("agent.main.systemPrompt", "Be brief."));
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("clawgate: invalid configuration: agent.main.systemPrompt: unknown prefix"),
                r.err());
    }

    @Test
    void aMissingOrWeakSecretFailsWithoutPrintingIt() throws Exception {
        String text = tomcat("gateway.http.endpoints.chatCompletions.enabled", "true");
        Path file = dir.resolve("clawgate.xml");
        Files.writeString(file, text);
        Result missing = check(Map.of(), "check", file.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("gateway.auth.token: is required"), missing.err());
        Result weak = check(Map.of("OPENCLAW_GATEWAY_TOKEN", "weak-Tok3n!"), "check", file.toString());
        assertEquals(1, weak.code());
        assertTrue(weak.err().contains("shorter than 32 characters"), weak.err());
        assertFalse(weak.err().contains("weak-Tok3n!"), weak.err());
    }

    @Test
    void commentedOutParametersAreNotSet() throws Exception {
        Result r = checkText("clawgate.xml", "<Context><!-- <Parameter name=\"gateway.http.maxBodyBytes\""
                + " value=\"lots\"/> --></Context>");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aJettyContextXmlIsReadFromItsSetInitParameterCalls() throws Exception {
        String jetty = "<?xml version=\"1.0\"?>\n<!DOCTYPE Configure PUBLIC \"-//Jetty//Configure//EN\""
                + " \"https://jetty.org/configure_10_0.dtd\">\n<Configure class=\"org.eclipse.jetty.ee10.webapp"
                + ".WebAppContext\">\n  <Set name=\"contextPath\">/clawgate</Set>\n"
                + "  <Call name=\"setInitParameter\"><Arg>gateway.http.heartbeatMs</Arg><Arg>-5</Arg></Call>\n"
                + "</Configure>\n";
        Result r = checkText("clawgate-jetty.xml", jetty);
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("clawgate: invalid configuration: gateway.http.heartbeatMs: "), r.err());
        Result good = checkText("good-jetty.xml", jetty.replace("-5", "5000"));
        assertEquals(0, good.code(), good.err());
    }

    @Test
    void anOpenClawJsonFileIsCheckedAsGatewayConfigFile() throws Exception {
        Result good = checkText("openclaw.json", "{\"agents\":{\"list\":[{\"id\":\"main\",\"model\":\"echo/echo\"}]}}");
        assertEquals(0, good.code(), good.err());
        Result bad = checkText("bad.json", "{\"agents\":{\"list\":[{\"id\":\"main\",\"model\":\"nowhere/x\"}]}}");
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("clawgate: invalid configuration: agents.main.model: names provider"),
                bad.err());
    }

    @Test
    void malformedUnknownOrMissingFilesAndWrongArgumentsAreRefused() throws Exception {
        assertEquals(1, checkText("broken.xml", "<Context><Parameter name=\"x\"></Context>").code());
        Result root = checkText("web.xml", "<web-app/>");
        assertEquals(1, root.code());
        assertTrue(root.err().contains("neither a Tomcat <Context> nor a Jetty <Configure>"), root.err());
        assertEquals(1, checkText("text.conf", "gateway.http.maxBodyBytes=1").code());
        assertEquals(1, check(ENV, "check", dir.resolve("absent.xml").toString()).code());
        assertEquals(2, check(ENV).code());
        assertEquals(2, check(ENV, "validate", "x").code());
        assertTrue(check(ENV, "check").err().startsWith("usage: java -jar clawgate.war check"));
    }

    @Test
    void anExternalEntityIsNeverResolved() throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "not-for-your-eyes");
        Result r = checkText("xxe.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE Context [<!ENTITY e SYSTEM \""
                + secret.toUri() + "\">]>\n<Context><Parameter name=\"gateway.http.maxBodyBytes\" value=\"&e;\"/>"
                + "</Context>");
        assertEquals(1, r.code());
        assertFalse(r.err().contains("not-for-your-eyes") || r.out().contains("not-for-your-eyes"), r.err());
    }
}
