package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's configuration table and web.xml's key list say what the descriptors ({@link ConfigKey}) say: every
 * key, with its default and unit, and no key that has no descriptor. A failure prints the line to write.
 */
class ConfigReferenceTest {
    private static final Path README = Path.of("README.md");
    private static final Path WEB_XML = Path.of("webapp/WEB-INF/web.xml");
    /** Names of the JSON file's own structure, not keys. */
    private static final Set<String> JSON_SHAPES = Set.of("agents.list[]");
    private static final Pattern KEY_LIKE = Pattern.compile(
            "(?:(?<=-D)|(?<![A-Za-z0-9_.$/-]))(?:gateway|agents|models|mcp)\\.[A-Za-z0-9_<>.*\\[\\]-]+");
    private static final Pattern README_ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]*) \\| ([^|]*) \\|$",
            Pattern.MULTILINE);
    private static final Pattern WEB_XML_ENTRY = Pattern.compile("^ {4}([a-z][A-Za-z0-9_.<>]+) +(.*)$");

    /** The default as README's table writes it: a value in code font, else the word ({@code unset}, ...). */
    private static String readmeDefault(ConfigKey<?> key) {
        return key.shownDefault().equals(key.defaultValue()) ? "`" + key.defaultValue() + "`" : key.shownDefault();
    }

    private static String readmeRow(ConfigKey<?> key) {
        return "| `" + key.name() + "` | " + readmeDefault(key) + " | " + key.doc()
                + (key.unit() == null ? "" : ", " + key.unit()) + " |";
    }

    private static String webXmlLine(ConfigKey<?> key) {
        return "    " + key.name() + "  " + key.doc() + (key.unit() == null ? "" : ", " + key.unit())
                + " [" + key.shownDefault() + "]";
    }

    /** README's configuration table: key → {default cell, meaning cell}. */
    private static Map<String, String[]> readmeTable() throws Exception {
        String text = Files.readString(README);
        int start = text.indexOf("## Configuration");
        String section = text.substring(start, text.indexOf("\n## ", start + 1));
        Map<String, String[]> rows = new LinkedHashMap<>();
        Matcher m = README_ROW.matcher(section);
        while (m.find()) {
            assertTrue(rows.put(m.group(1), new String[] {m.group(2).strip(), m.group(3).strip()}) == null,
                    "README.md has two rows for " + m.group(1));
        }
        return rows;
    }

    /** web.xml's key list: key → its text, continuation lines included. */
    private static Map<String, String> webXmlKeys() throws Exception {
        String text = Files.readString(WEB_XML);
        int start = text.indexOf("  Keys:\n");
        assertTrue(start > 0, "web.xml has no \"Keys:\" list in its comment");
        Map<String, String> entries = new LinkedHashMap<>();
        String current = null;
        for (String line : text.substring(start + 8, text.indexOf("-->", start)).split("\n")) {
            Matcher m = WEB_XML_ENTRY.matcher(line);
            if (m.matches()) {
                current = m.group(1);
                assertTrue(entries.put(current, m.group(2)) == null, "web.xml lists " + current + " twice");
            } else if (current != null && !line.isBlank()) {
                entries.merge(current, " " + line.strip(), String::concat);
            }
        }
        return entries;
    }

    @Test
    void theReadmeTableHasOneRowPerKeyWithItsDefaultAndUnit() throws Exception {
        Map<String, String[]> rows = readmeTable();
        for (ConfigKey<?> key : ConfigKey.all()) {
            String[] row = rows.get(key.name());
            assertTrue(row != null, "README.md lacks a row such as\n" + readmeRow(key));
            String expected = readmeDefault(key);
            assertTrue(row[0].equals(expected) || row[0].startsWith(expected + " ("),
                    "README.md gives " + key.name() + " the default " + row[0] + ", not " + expected + "\n"
                            + readmeRow(key));
            assertTrue(key.unit() == null || row[1].contains(key.unit()),
                    "README.md does not give the unit of " + key.name() + " (" + key.unit() + ")");
        }
        for (String documented : rows.keySet()) {
            assertTrue(ConfigKey.all().stream().anyMatch(k -> k.name().equals(documented)),
                    "README.md documents " + documented + ", which no ConfigKey describes");
        }
    }

    @Test
    void webXmlListsEveryKeyWithItsDefaultAndUnit() throws Exception {
        Map<String, String> entries = webXmlKeys();
        for (ConfigKey<?> key : ConfigKey.all()) {
            String entry = entries.get(key.name());
            assertTrue(entry != null, "web.xml lacks a line such as\n" + webXmlLine(key));
            assertTrue(entry.contains("[" + key.shownDefault() + "]"),
                    "web.xml does not give " + key.name() + " its default [" + key.shownDefault() + "]\n"
                            + webXmlLine(key));
            assertTrue(key.unit() == null || entry.contains(key.unit()),
                    "web.xml does not give the unit of " + key.name() + " (" + key.unit() + ")");
        }
        for (String listed : entries.keySet()) {
            assertTrue(ConfigKey.all().stream().anyMatch(k -> k.name().equals(listed)),
                    "web.xml lists " + listed + ", which no ConfigKey describes");
        }
    }

    @Test
    void neitherFileMentionsAKeyThatHasNoDescriptor() throws Exception {
        assertEquals(Set.of(), unknownKeys(Files.readString(README)), "README.md");
        assertEquals(Set.of(), unknownKeys(Files.readString(WEB_XML)), "web.xml");
    }

    @Test
    void theScanCatchesATypoAPatternFieldAndAWildcardThatMatchNothing() {
        assertEquals(new TreeSet<>(List.of("gateway.http.maxBodyByte", "agents.<id>.prompt", "models.foo.*",
                        "gateway.nope")),
                unknownKeys("set `gateway.http.maxBodyByte`, agents.<id>.prompt, models.foo.* and -Dgateway.nope=1;"
                        + " but gateway.http.maxBodyBytes, agents.main.model, models.providers.<provider>.*,"
                        + " gateway.auth.rateLimit.*, gateway.port and agents.list[] are fine."));
    }

    /** Key-like words that are no descriptor, no instance of one, no prefix of one and no ignored OpenClaw key. */
    static Set<String> unknownKeys(String text) {
        Set<String> unknown = new TreeSet<>();
        Matcher m = KEY_LIKE.matcher(text);
        while (m.find()) {
            String token = m.group().replaceAll("\\.+$", "");
            if (!known(token)) {
                unknown.add(token);
            }
        }
        return unknown;
    }

    private static boolean known(String token) {
        if (JSON_SHAPES.contains(token) || ConfigKey.find(token).isPresent()) {
            return true;
        }
        for (String prefix : ConfigKeys.IGNORED_OPENCLAW_PREFIXES) {
            if (token.equals(prefix) || token.startsWith(prefix + ".")) {
                return true;
            }
        }
        if (token.endsWith(".*")) {
            String prefix = anyPlaceholder(token.substring(0, token.length() - 1));
            List<String> names = new ArrayList<>();
            ConfigKey.all().forEach(k -> names.add(anyPlaceholder(k.name())));
            return names.stream().anyMatch(n -> n.startsWith(prefix));
        }
        return false;
    }

    private static String anyPlaceholder(String name) {
        return name.replaceAll("<[A-Za-z]+>", "<>");
    }
}
