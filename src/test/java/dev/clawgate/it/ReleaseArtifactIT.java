package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built {@code target/clawgate.war} as an ops team receives it: a manifest naming version and commit, the
 * CycloneDX SBOM under {@code META-INF/sbom/} listing every jar in {@code WEB-INF/lib} (by name, version and
 * SHA-256), generated {@code META-INF/LICENSE} and {@code NOTICE} naming every bundled library, and the fixed entry
 * times of a reproducible build. Runs in the integration-test phase, after {@code package}.
 */
class ReleaseArtifactIT {
    private static final String VERSION = System.getProperty("it.version");
    private static final String SBOM_ENTRY = "META-INF/sbom/clawgate-" + VERSION + ".cdx.json";
    private static JarFile war;
    /** WEB-INF/lib/name.jar → its bytes' SHA-256, hex. */
    private static final Map<String, String> LIBS = new HashMap<>();

    @BeforeAll
    static void open() throws IOException {
        war = new JarFile(System.getProperty("it.war"));
        for (ZipEntry e : war.stream().toList()) {
            if (e.getName().startsWith("WEB-INF/lib/") && e.getName().endsWith(".jar")) {
                LIBS.put(e.getName().substring("WEB-INF/lib/".length()), sha256(bytes(e.getName())));
            }
        }
        assertFalse(LIBS.isEmpty(), "the WAR carries libraries");
    }

    @AfterAll
    static void close() throws IOException {
        war.close();
    }

    private static byte[] bytes(String entry) throws IOException {
        ZipEntry e = war.getEntry(entry);
        assertNotNull(e, "the WAR has " + entry);
        try (InputStream in = war.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static String text(String entry) throws IOException {
        return new String(bytes(entry), StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file names of the bundled jars, sorted. */
    private static List<String> libNames() {
        return LIBS.keySet().stream().sorted().toList();
    }

    @Test
    void theManifestNamesTitleVersionCommitAndTheFixedBuildTime() throws IOException {
        Manifest m = war.getManifest();
        Attributes a = m.getMainAttributes();
        assertEquals("clawgate", a.getValue("Implementation-Title"));
        assertEquals(VERSION, a.getValue("Implementation-Version"));
        assertEquals(System.getProperty("it.outputTimestamp"), a.getValue("Build-Time"));
        String commit = a.getValue("Implementation-Commit");
        boolean hasGit = Files.exists(Path.of(System.getProperty("it.basedir"), ".git"));
        assertTrue(hasGit ? commit.matches("[0-9a-f]{40}") : commit.equals("unknown"), "commit " + commit);

        Properties build = new Properties();
        build.load(new ByteArrayInputStream(bytes("WEB-INF/classes/clawgate-build.properties")));
        assertEquals(VERSION, build.getProperty("version"));
        assertEquals(commit, build.getProperty("commitFull"), "the classes and the manifest name one commit");
        assertEquals(System.getProperty("it.outputTimestamp"), build.getProperty("buildTime"));
    }

    @Test
    void theSbomInTheWarListsEveryJarOfWebInfLibWithItsHash() throws IOException {
        Path built = Path.of(System.getProperty("it.sbom"));
        // cyclonedx-maven-plugin needs Maven online: an offline (-o) build says "skipping" and writes no SBOM
        assumeTrue(Files.exists(built) || war.getEntry(SBOM_ENTRY) != null,
                "no SBOM was built (an offline -o build?): build online to check it");
        assertEquals(List.of(SBOM_ENTRY), war.stream().map(ZipEntry::getName)
                .filter(n -> n.startsWith("META-INF/sbom/") && !n.endsWith("/")).toList(), "one SBOM, this version's");
        byte[] embedded = bytes(SBOM_ENTRY);
        assertEquals(sha256(Files.readAllBytes(built)), sha256(embedded),
                "the WAR carries target/clawgate-<version>.cdx.json as built");
        JsonObject bom;
        try (JsonReader r = Json.createReader(new ByteArrayInputStream(embedded))) {
            bom = r.readObject();
        }
        assertEquals("CycloneDX", bom.getString("bomFormat"));
        JsonObject app = bom.getJsonObject("metadata").getJsonObject("component");
        assertEquals("clawgate", app.getString("name"));
        assertEquals(VERSION, app.getString("version"));

        Map<String, String> listed = new HashMap<>(); // name-version.jar → SHA-256
        for (JsonValue v : bom.getJsonArray("components")) {
            JsonObject c = v.asJsonObject();
            String sha = c.getJsonArray("hashes").stream().map(JsonValue::asJsonObject)
                    .filter(h -> h.getString("alg").equals("SHA-256")).map(h -> h.getString("content"))
                    .findFirst().orElse("");
            listed.put(c.getString("name") + "-" + c.getString("version") + ".jar", sha);
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> lib : LIBS.entrySet()) {
            if (!lib.getValue().equals(listed.get(lib.getKey()))) {
                missing.add(lib.getKey());
            }
        }
        assertTrue(missing.isEmpty(), "jars in WEB-INF/lib not in the SBOM (or with another hash): " + missing);
        assertEquals(LIBS.keySet(), listed.keySet(), "the SBOM lists nothing the WAR does not carry (no test or "
                + "provided libraries)");
    }

    @Test
    void licenseAndNoticeAreGeneratedAndNameEveryBundledLibrary() throws IOException {
        String license = text("META-INF/LICENSE");
        String notice = text("META-INF/NOTICE");
        String root = Files.readString(Path.of(System.getProperty("it.basedir"), "LICENSE"));
        assertTrue(license.startsWith(root), "META-INF/LICENSE begins with clawgate's own LICENSE");
        assertTrue(root.contains("Apache License") && root.contains("Version 2.0, January 2004"), "Apache-2.0");
        assertTrue(notice.startsWith("clawgate\n"), notice);
        for (String jar : libNames()) {
            String nameVersion = jar.substring(0, jar.length() - ".jar".length());
            // NOTICE and LICENSE name each library as group:artifact:version; the jar is artifact-version.jar
            assertTrue(notice.lines().anyMatch(l -> coordinates(l).endsWith(":" + swapLastDash(nameVersion))),
                    "NOTICE names " + jar);
            assertTrue(license.lines().anyMatch(l -> coordinates(l).endsWith(":" + swapLastDash(nameVersion))),
                    "LICENSE names " + jar);
        }
        assertFalse(notice.contains("junit") || notice.contains("servlet-api"), "no test or provided library");
    }

    /** The first word of a line, trimmed: {@code group:artifact:version} in both files. */
    private static String coordinates(String line) {
        String t = line.strip();
        int space = t.indexOf(' ');
        return space < 0 ? t : t.substring(0, space);
    }

    /** {@code netty-codec-4.1.118.Final} → {@code netty-codec:4.1.118.Final}: the dash before the version. */
    private static String swapLastDash(String nameVersion) {
        for (int i = 0; i < nameVersion.length() - 1; i++) {
            if (nameVersion.charAt(i) == '-' && Character.isDigit(nameVersion.charAt(i + 1))) {
                return nameVersion.substring(0, i) + ":" + nameVersion.substring(i + 1);
            }
        }
        return nameVersion;
    }

    @Test
    void everyEntryCarriesTheOutputTimestampNotTheClock() {
        long expected = Instant.parse(System.getProperty("it.outputTimestamp")).toEpochMilli();
        // a zip entry's DOS time has no zone and a 2-second step: the JDK reads it in the local zone, so allow that
        // zone's offset, and an odd second rounded down
        long offset = TimeZone.getDefault().getOffset(expected);
        List<String> off = war.stream().filter(e -> {
            long diff = e.getLastModifiedTime().toMillis() - expected;
            return !(near(diff) || near(diff - offset) || near(diff + offset));
        }).map(e -> e.getName() + "@" + e.getLastModifiedTime()).toList();
        assertTrue(off.isEmpty(), "entries not at project.build.outputTimestamp " + Instant.ofEpochMilli(expected)
                + ": " + off);
    }

    private static boolean near(long diffMillis) {
        return diffMillis <= 0 && diffMillis > -2000;
    }
}
