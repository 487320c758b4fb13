package dev.clawgate.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Which build of clawgate this is: the Maven version, the git commit and the build time, as the ops team sees them in
 * the start-up line, {@code /healthz} and {@code clawgate_build_info} of {@code /metrics}.
 *
 * <p>Read once from the classpath resource {@value #RESOURCE}, which Maven's resource filtering fills in at build
 * time (see {@code pom.xml}). The build time is the build's {@code project.build.outputTimestamp}, not the clock, so
 * two builds of one commit stay byte-identical. Every value is {@value #UNKNOWN} where the resource is absent, was not
 * filtered (classes compiled by an IDE) or names no commit (a build from a source archive without {@code .git}), so
 * the gateway runs the same from {@code target/classes} as from the WAR.
 *
 * @param version    the Maven project version, e.g. {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}
 * @param commit     the commit the WAR was built from, abbreviated to 12 hex digits
 * @param commitFull the full 40-hex-digit commit id (the WAR's manifest carries the same as Implementation-Commit)
 * @param buildTime  ISO-8601 instant of the build ({@code project.build.outputTimestamp})
 */
public record BuildInfo(String version, String commit, String commitFull, String buildTime) {
    /** The classpath resource the values come from. */
    public static final String RESOURCE = "/clawgate-build.properties";
    /** The value of anything the build did not say. */
    public static final String UNKNOWN = "unknown";
    /** Longest value taken from the resource; anything longer is treated as not said. */
    static final int MAX_LENGTH = 128;

    private static final BuildInfo CURRENT = load(BuildInfo.class);

    /** This build, read once from {@value #RESOURCE} next to this class. */
    public static BuildInfo current() {
        return CURRENT;
    }

    /** A build that said nothing: every value {@value #UNKNOWN}. */
    public static BuildInfo unknown() {
        return new BuildInfo(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);
    }

    static BuildInfo load(Class<?> anchor) {
        try (InputStream in = anchor.getResourceAsStream(RESOURCE)) {
            return in == null ? unknown() : read(in);
        } catch (IOException e) {
            return unknown();
        }
    }

    /** Reads the properties {@code version}, {@code commit}, {@code commitFull} and {@code buildTime} from {@code in}. */
    static BuildInfo read(InputStream in) throws IOException {
        Properties p = new Properties();
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return new BuildInfo(value(p, "version"), value(p, "commit"), value(p, "commitFull"), value(p, "buildTime"));
    }

    /** The trimmed value, or {@value #UNKNOWN} when it is missing, blank, too long or an unfiltered {@code ${…}}. */
    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").strip();
        if (v.isEmpty() || v.contains("${") || v.length() > MAX_LENGTH || !v.chars().allMatch(BuildInfo::plain)) {
            return UNKNOWN;
        }
        return v;
    }

    /** Printable ASCII without quotes, backslashes or spaces: safe in a log line, a JSON string and a label. */
    private static boolean plain(int c) {
        return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
    }
}
