package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The build's version, commit and time come from the filtered clawgate-build.properties, or are "unknown". */
class BuildInfoTest {
    private static BuildInfo read(String text) throws IOException {
        return BuildInfo.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFilteredResourceGivesVersionCommitAndBuildTime() throws IOException {
        BuildInfo b = read("version=0.1.0\ncommit=0123456789ab\ncommitFull=0123456789abcdef0123456789abcdef01234567\n"
                + "buildTime=2026-11-30T19:00:00Z\n");
        assertEquals(new BuildInfo("0.1.0", "0123456789ab", "0123456789abcdef0123456789abcdef01234567",
                "2026-11-30T19:00:00Z"), b);
    }

    @Test
    void anUnfilteredResourceFromAnIdeBuildSaysUnknownInsteadOfItsPlaceholders() throws IOException {
        BuildInfo b = read("version=${project.version}\ncommit=${build.commit.short}\ncommitFull=${build.commit}\n"
                + "buildTime=${project.build.outputTimestamp}\n");
        assertEquals(BuildInfo.unknown(), b);
    }

    @Test
    void missingBlankOrUnsafeValuesAreUnknown() throws IOException {
        BuildInfo b = read("version=\ncommit=abc \"def\"\nbuildTime=" + "9".repeat(BuildInfo.MAX_LENGTH + 1) + "\n");
        assertEquals(BuildInfo.unknown(), b);
    }

    @Test
    void noResourceOnTheClasspathMeansEveryValueIsUnknown() {
        assertEquals(BuildInfo.unknown(), BuildInfo.load(String.class));
    }

    @Test
    void theBuildUnderMavenNamesTheProjectVersionAndACommit() {
        String expected = System.getProperty("clawgate.expected.version");
        assumeTrue(expected != null, "run by Maven (surefire sets clawgate.expected.version)");
        BuildInfo current = BuildInfo.current();
        assertEquals(expected, current.version());
        assertNotEquals(BuildInfo.UNKNOWN, current.buildTime());
        assertTrue(current.commit().equals(BuildInfo.UNKNOWN) || current.commit().matches("[0-9a-f]{12}"),
                current.commit());
        assertTrue(current.commitFull().startsWith(current.commit()), current.toString());
    }
}
