package dev.clawgate.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResultTextTest {
    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());

    private static String text(List<McpSchema.Content> content, int max) {
        return ResultText.of(McpSchema.CallToolResult.builder().content(content).build(), JSON, max);
    }

    @Test
    void resourcesAndAudioAreSummarisedAndEmbeddedTextIsKept() {
        List<McpSchema.Content> parts = List.of(
                McpSchema.AudioContent.builder("AAAA", "audio/wav").build(),
                McpSchema.EmbeddedResource.builder(McpSchema.TextResourceContents.builder("file:///notes.txt",
                        "remember the milk").mimeType("text/plain").build()).build(),
                McpSchema.EmbeddedResource.builder(McpSchema.BlobResourceContents.builder("file:///a.pdf", "JVBERi0=")
                        .mimeType("application/pdf").build()).build(),
                McpSchema.ResourceLink.builder().name("b").uri("file:///b").build());
        assertEquals("[audio: audio/wav]\nremember the milk\n[resource: file:///a.pdf (application/pdf)]\n"
                + "[resource link: file:///b]", text(parts, 65_536));
    }

    @Test
    void structuredContentIsUsedWhenThereIsNoContent() {
        McpSchema.CallToolResult r = McpSchema.CallToolResult.builder().content(List.of())
                .structuredContent(Map.of("temperature", 21)).build();
        assertEquals("{\"temperature\":21}", ResultText.of(r, JSON, 100));
    }

    @Test
    void textIsCutAtTheCapWithANote() {
        assertEquals("abc\n[truncated: 2 more characters]",
                text(List.of(McpSchema.TextContent.builder("abcde").build()), 3));
        assertEquals("abcde", text(List.of(McpSchema.TextContent.builder("abcde").build()), 5));
    }
}
