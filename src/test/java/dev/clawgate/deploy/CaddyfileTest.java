package dev.clawgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code caddy validate} accepts the shipped {@code deploy/caddy/Caddyfile} (and refuses a broken copy, so the check
 * is real). Runs when {@code caddy} is installed (Debian package {@code caddy}; {@code .ci/run} installs it); Caddy's
 * data and config directories are a temporary directory, and nothing listens.
 */
class CaddyfileTest {
    @TempDir
    Path home;

    private static boolean caddyInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "caddy"))) {
                return true;
            }
        }
        return false;
    }

    private record Result(int code, String output) {
    }

    private Result validate(Path caddyfile) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("caddy", "validate", "--config", caddyfile.toString(), "--adapter",
                "caddyfile").redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_DATA_HOME", home.resolve("data").toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
        Path out = home.resolve("validate.out");
        Process p = pb.redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "caddy validate did not end");
        return new Result(p.exitValue(), Files.readString(out));
    }

    @Test
    void theShippedCaddyfileIsValidAndABrokenOneIsNot() throws Exception {
        assumeTrue(caddyInstalled(), "caddy is not installed");
        Result shipped = validate(Path.of("deploy/caddy/Caddyfile"));
        assertEquals(0, shipped.code(), shipped.output());
        assertTrue(shipped.output().contains("Valid configuration"), shipped.output());

        Path broken = Files.writeString(home.resolve("Caddyfile"), Files.readString(Path.of("deploy/caddy/Caddyfile"))
                .replace("flush_interval -1", "flush_interval sometimes"));
        assertNotEquals(0, validate(broken).code());
    }
}
