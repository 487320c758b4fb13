package dev.clawgate.mcp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FunctionNamesTest {
    private static McpTool tool(String server, String name) {
        return new McpTool(server, name, "", "{}");
    }

    @Test
    void aToolIsNamedServerDoubleUnderscoreTool() {
        McpTool echo = tool("everything", "echo");
        assertEquals("everything__echo", FunctionNames.assign(List.of(echo)).get(echo));
    }

    @Test
    void charactersOutsideOpenAisAlphabetBecomeUnderscores() {
        McpTool t = tool("files", "read.file v2/ü");
        assertEquals("files__read_file_v2__", FunctionNames.assign(List.of(t)).get(t));
    }

    @Test
    void longNamesAreCutTo64WithAHashSuffixThatKeepsThemApart() {
        McpTool a = tool("server", "a".repeat(80) + "1");
        McpTool b = tool("server", "a".repeat(80) + "2");
        Map<McpTool, String> names = FunctionNames.assign(List.of(a, b));
        assertEquals(64, names.get(a).length());
        assertEquals(64, names.get(b).length());
        assertNotEquals(names.get(a), names.get(b));
        assertTrue(names.get(a).matches("server__a+_[0-9a-f]{8}"), names.get(a));
    }

    @Test
    void collisionsAreResolvedTheSameWayWhateverTheListingOrder() {
        List<McpTool> tools = new ArrayList<>(List.of(tool("files", "read.file"), tool("files", "read_file"),
                tool("files", "read file"), tool("files", "read-file")));
        Map<McpTool, String> first = FunctionNames.assign(tools);
        for (int i = 0; i < 5; i++) {
            Collections.shuffle(tools, new java.util.Random(i));
            assertEquals(first, FunctionNames.assign(tools));
        }
        assertEquals(4, new HashSet<>(first.values()).size());
        // in code-point order ' ' < '.' < '_': "read file" comes first and keeps the plain name
        assertEquals("files__read_file", first.get(tool("files", "read file")));
        assertEquals("files__read-file", first.get(tool("files", "read-file")));
        assertTrue(first.get(tool("files", "read.file")).matches("files__read_file_[0-9a-f]{8}"));
    }

    @Test
    void everyNameMatchesOpenAisRule() {
        List<McpTool> tools = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tools.add(tool("s", "x".repeat(i * 3) + "/." + i));
            tools.add(tool("s", "x".repeat(i * 3) + "__" + i));
        }
        Map<McpTool, String> names = FunctionNames.assign(tools);
        names.values().forEach(n -> assertTrue(FunctionNames.OPENAI_NAME.matcher(n).matches(), n));
        assertEquals(tools.size(), new HashSet<>(names.values()).size());
    }
}
