package dev.clawgate.mcp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names server tools as OpenAI functions. OpenAI accepts {@code ^[a-zA-Z0-9_-]{1,64}$}, so {@code <server>__<tool>}
 * is sanitised: every other character becomes {@code _}, and a name longer than 64 characters is cut to 55 and ends
 * in {@code _} plus 8 hex digits of the SHA-256 of {@code <server>/<tool>}.
 *
 * <p>Collisions (e.g. tools {@code a.b} and {@code a_b}) are resolved deterministically: tools are taken in order of
 * (server, tool name) by code point; the first keeps the plain name and each later one gets the hash suffix (then a
 * counter, should even that collide). Example: server {@code files}, tools {@code read.file} and {@code read_file}
 * become {@code files__read_file} (for {@code read.file}, first in order) and {@code files__read_file_1f0e…} (8 hex).
 */
public final class FunctionNames {
    /** OpenAI's function-name rule. */
    public static final Pattern OPENAI_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    static final int MAX = 64;

    private FunctionNames() {
    }

    /** Function names for {@code tools}, in the order of (server, name). */
    public static Map<McpTool, String> assign(List<McpTool> tools) {
        List<McpTool> sorted = tools.stream()
                .sorted(Comparator.comparing(McpTool::server).thenComparing(McpTool::name)).toList();
        Map<McpTool, String> names = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (McpTool t : sorted) {
            String plain = sanitise(t.server() + "__" + t.name());
            String hash = "_" + hash8(t.server() + "/" + t.name());
            String name = plain.length() <= MAX ? plain : fit(plain, hash);
            if (taken.contains(name)) {
                name = fit(plain, hash);
            }
            for (int i = 2; taken.contains(name); i++) {
                name = fit(plain, hash + "_" + i);
            }
            taken.add(name);
            names.put(t, name);
        }
        return names;
    }

    static String sanitise(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    private static String fit(String base, String suffix) {
        return base.substring(0, Math.min(base.length(), MAX - suffix.length())) + suffix;
    }

    private static String hash8(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return String.format("%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
