package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Logfmt;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/README.md} section 2, followed to the letter on a fresh Tomcat zip: every {@code bash} block of the
 * section, in order, as one script, with {@code /opt/tomcat} replaced by a scratch directory and port 8080 by a free
 * loopback port (also in the fresh {@code server.xml}, the one change made outside the script). The script prepares
 * Tomcat, writes {@code setenv.sh}, checks the shipped descriptor with {@code java -jar clawgate.war check} and moves
 * it into place, starts Tomcat, waits for {@code /readyz}, calls healthz, readyz, models and a chat completion, and
 * stops Tomcat with {@code SIGTERM}. The test reads what the script printed and what Tomcat logged.
 */
class DeployWalkthroughIT {
    private static final Path ZIP = Path.of(System.getProperty("it.tomcat.zip", "missing.zip"));
    private static final Path WORK = Path.of(System.getProperty("it.work", "target/it-work"), "walkthrough");
    private static final Pattern BASH = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL);

    private Path pidFile;

    /** The README's section 2 as one script. */
    static String sectionTwoScript() throws IOException {
        String readme = Files.readString(Path.of("deploy/README.md"));
        int start = readme.indexOf("## 2. Tomcat");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        Matcher m = BASH.matcher(section);
        while (m.find()) {
            script.append(m.group(1));
        }
        return script.toString();
    }

    @AfterEach
    void stopTomcatIfTheScriptDidNot() throws Exception {
        if (pidFile != null && Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Optional<ProcessHandle> tomcat = ProcessHandle.of(pid);
            if (tomcat.isPresent() && tomcat.get().isAlive()) {
                tomcat.get().destroyForcibly();
                tomcat.get().onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theTomcatWalkthroughWorksVerbatimOnAFreshTomcat() throws Exception {
        Path home = unpackFreshTomcat();
        int port = freePort();
        Path serverXml = home.resolve("conf/server.xml");
        Files.writeString(serverXml, Files.readString(serverXml).replace("port=\"8080\"", "port=\"" + port + "\""));
        pidFile = home.resolve("temp/tomcat.pid");

        String script = sectionTwoScript().replace("/opt/tomcat", home.toString())
                .replace("8080", String.valueOf(port));
        Path scriptFile = Files.writeString(WORK.resolve("walkthrough.sh"), script);
        Path output = WORK.resolve("walkthrough.out");
        ProcessBuilder pb = new ProcessBuilder("bash", scriptFile.toString()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = pb.environment();
        for (String inherited : List.of("OPENCLAW_GATEWAY_TOKEN", "CATALINA_HOME", "CATALINA_BASE", "CATALINA_OPTS",
                "JAVA_OPTS", "CATALINA_PID")) {
            env.remove(inherited);
        }
        String javaHome = System.getProperty("java.home");
        env.put("JAVA_HOME", javaHome);
        env.put("PATH", javaHome + "/bin:" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        Process bash = pb.start();
        boolean ended = bash.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            bash.destroyForcibly();
        }
        String out = Files.readString(output);
        String log = catalinaOut(home);
        assertTrue(ended, "the walkthrough did not end:\n" + out + log);
        assertEquals(0, bash.exitValue(), "the walkthrough failed:\n" + out + "\n--- catalina.out\n" + log);

        assertTrue(out.contains("clawgate check: " + home + "/conf/clawgate.xml.new: valid ("), out);
        assertTrue(Files.exists(home.resolve("conf/Catalina/localhost/clawgate.xml")), "the descriptor moved in");
        assertTrue(out.contains("{\"status\":\"ok\""), "healthz: " + out);
        assertTrue(out.contains("{\"status\":\"ready\"}"), "readyz: " + out);
        assertTrue(out.contains("\"id\":\"openclaw\""), "models: " + out);
        assertTrue(out.contains("\"object\":\"chat.completion\"") && out.contains("echo: hello"), "chat: " + out);
        String token = Files.readString(home.resolve("bin/setenv.sh")).replaceAll("(?s).*TOKEN='([0-9a-f]+)'.*", "$1");
        assertEquals(64, token.length(), "setenv.sh holds a 32-byte hex token");

        // Tomcat stops on the SIGTERM of the last step; then its log is complete
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> tomcat = ProcessHandle.of(pid);
        if (tomcat.isPresent()) {
            tomcat.get().onExit().get(60, TimeUnit.SECONDS);
        }
        log = catalinaOut(home);
        assertFalse(log.contains(token), "the token was logged");
        assertTrue(log.contains("dev.clawgate.StartupSummary.log clawgate: agent main -> echo/echo (default)"), log);
        assertFalse(log.contains("lambda$"), log);
        List<String> access = log.lines().filter(l -> l.contains(" dev.clawgate.access.chat ")).toList();
        assertEquals(1, access.size(), log);
        Map<String, String> line = Logfmt.parse(access.get(0).substring(access.get(0).indexOf("time=")));
        assertEquals("200", line.get("status"));
        assertEquals("operator", line.get("caller"));
        assertEquals("echo/echo", line.get("model"));
        assertFalse(log.contains("failed to stop it"), "a thread outlived the undeploy:\n" + log);
    }

    private static String catalinaOut(Path home) throws IOException {
        Path out = home.resolve("logs/catalina.out");
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "(no catalina.out)";
    }

    /** The zip as downloaded, unpacked as {@code unzip} would: Java's unzip keeps no execute bit either. */
    private static Path unpackFreshTomcat() throws IOException {
        if (Files.exists(WORK)) {
            try (Stream<Path> old = Files.walk(WORK)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(WORK);
        List<Path> roots = new ArrayList<>();
        try (InputStream in = Files.newInputStream(ZIP); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                Path target = WORK.resolve(e.getName()).normalize();
                assertTrue(target.startsWith(WORK), e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
                Path root = WORK.resolve(e.getName().substring(0, e.getName().indexOf('/')));
                if (!roots.contains(root)) {
                    roots.add(root);
                }
            }
        }
        assertEquals(1, roots.size(), "one top directory in the zip: " + roots);
        return roots.get(0).toAbsolutePath();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
