package dev.clawgate;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code redis-cli} (Debian's {@code redis-tools}, installed with {@code redis-server}) against a loopback port
 * of the test's own, each call bounded to 30 s: the tests' way to ask Redis for its state ({@code INFO replication},
 * {@code CLUSTER NODES}, {@code SENTINEL ...}) and to build a cluster ({@code --cluster create}).
 */
public final class RedisCli {
    private static final long TIMEOUT_SECONDS = 30;

    private RedisCli() {
    }

    /** {@code redis-cli -h 127.0.0.1 -p <port> <args>}: its output; fails when it does not exit with 0 in time. */
    public static String at(int port, String... args) {
        return authenticated(null, port, args);
    }

    /** {@link #at} on a server that wants {@code password} (null: none). */
    public static String authenticated(String password, int port, String... args) {
        List<String> command = new ArrayList<>(List.of(binary(), "-h", "127.0.0.1", "-p", Integer.toString(port)));
        if (password != null) {
            command.addAll(List.of("--no-auth-warning", "-a", password));
        }
        command.addAll(List.of(args));
        return run(command);
    }

    /** {@code redis-cli <args>} (e.g. {@code --cluster create ...}). */
    public static String run(String... args) {
        List<String> command = new ArrayList<>(List.of(binary()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** The value of {@code field} in an {@code INFO}-style answer ({@code field:value} lines), or null. */
    public static String field(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return null;
    }

    /**
     * From a primary's {@code INFO replication}: the least offset its online replicas acknowledged, or -1 when it
     * has none online.
     */
    public static long slowestReplicaOffset(String info) {
        long least = -1;
        for (String line : info.split("\r?\n")) {
            if (line.matches("slave\\d+:.*") && line.contains("state=online")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("offset=(\\d+)").matcher(line);
                if (m.find()) {
                    long offset = Long.parseLong(m.group(1));
                    least = least < 0 ? offset : Math.min(least, offset);
                }
            }
        }
        return least;
    }

    /**
     * Whether the primary on {@code port} has a replica online whose acknowledged offset moved since the first call
     * ({@code marks}: port → offset then): proof that the replication stream flows. A replica that just finished its
     * sync is "online" before the stream after it flows (until its first acknowledgement, up to a second later).
     * Each call publishes a message, which advances the stream of a standalone primary; a cluster node does not
     * replicate PUBLISH, so cluster nodes run with {@code repl-ping-replica-period 1}.
     */
    public static boolean replicaCaughtUp(int port, java.util.Map<Integer, Long> marks) {
        return replicaCaughtUp(null, port, marks);
    }

    /** {@link #replicaCaughtUp(int, java.util.Map)} on a server that wants {@code password} (null: none). */
    public static boolean replicaCaughtUp(String password, int port, java.util.Map<Integer, Long> marks) {
        authenticated(password, port, "PUBLISH", "clawgate-test-sync", "mark");
        String info = authenticated(password, port, "INFO", "replication");
        long acknowledged = slowestReplicaOffset(info);
        if (!"master".equals(field(info, "role")) || acknowledged < 0) {
            marks.remove(port);
            return false;
        }
        Long mark = marks.putIfAbsent(port, acknowledged);
        return mark != null && acknowledged > mark;
    }

    private static String run(List<String> command) {
        try {
            Path out = File.createTempFile("redis-cli", ".out").toPath();
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .start();
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("redis-cli did not finish in time: " + command);
                }
                String text = java.nio.file.Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("redis-cli " + command + " failed: " + text);
                }
                return text;
            } finally {
                java.nio.file.Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String binary() {
        for (String f : new String[] {"/usr/bin/redis-cli", "/usr/local/bin/redis-cli"}) {
            if (new File(f).canExecute()) {
                return f;
            }
        }
        return "redis-cli";
    }
}
