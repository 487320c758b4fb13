package dev.clawgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clawgate.config.AddressRange;
import dev.clawgate.config.ConfigKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The gateway never asks a resolver about a client-supplied string: a hop of {@code X-Forwarded-For} or a trusted
 * proxy entry that is not an IP literal is used as text (or refused), never looked up.
 */
class NoNameLookupTest {
    /** Calls of the JDK that may resolve a name. */
    private static final Pattern LOOKUP = Pattern.compile(
            "\\b(getByName|getAllByName|getLocalHost|getCanonicalHostName|getHostName)\\s*\\(");

    /**
     * Records every name the JDK is about to resolve on this thread: {@code InetAddress} asks the security manager
     * {@code checkConnect(host, -1)} before each lookup. Java 17 still lets a test install one; a later JDK that
     * refuses skips this test (the source check below still holds).
     */
    @SuppressWarnings("removal")
    private static final class LookupRecorder extends SecurityManager {
        final Thread owner = Thread.currentThread();
        final List<String> lookups = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void checkConnect(String host, int port) {
            if (port == -1 && Thread.currentThread() == owner) {
                lookups.add(host);
            }
        }

        @Override
        public void checkPermission(Permission perm) {
            // everything is allowed: this manager only watches
        }

        @Override
        public void checkPermission(Permission perm, Object context) {
        }
    }

    @Test
    @SuppressWarnings("removal")
    void forwardedHopsThatAreNotLiteralsAreNeverLookedUp() {
        ClientAddress resolver = new ClientAddress(List.of(AddressRange.parse(ConfigKeys.TRUSTED_PROXIES, "10.0.0.0/8")));
        LookupRecorder recorder = new LookupRecorder();
        try {
            System.setSecurityManager(recorder);
        } catch (UnsupportedOperationException | SecurityException e) {
            Assumptions.abort("this JDK does not allow a security manager: " + e);
        }
        List<String> clients;
        try {
            clients = List.of(
                    resolver.clientOf("10.0.0.1", List.of(".1:2")),
                    resolver.clientOf("10.0.0.1", List.of(".evil.example:443")),
                    resolver.clientOf("10.0.0.1", List.of("1.1.1.1, .::1")),
                    resolver.clientOf("10.0.0.1", List.of("fe80::1%eth0")),
                    resolver.clientOf(".:1", List.of()));
        } finally {
            System.setSecurityManager(null);
        }
        assertEquals(List.of(), recorder.lookups, "names looked up");
        assertEquals(List.of(".1:2", ".evil.example:443", ".::1", "fe80::1%eth0", ".:1"), clients);
    }

    @Test
    void noMainSourceCallsAnApiThatResolvesNames() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (LOOKUP.matcher(lines.get(i)).find()) {
                        offenders.add(f + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertEquals(List.of(), offenders);
    }
}
