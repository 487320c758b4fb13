package dev.clawgate.mcp;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The SDK's MCP server over stdio with one tool, {@code echo}; run as a child process by {@link McpStdioTest}. */
public final class StdioTestServer {
    private StdioTestServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        var json = new JacksonMcpJsonMapper(JsonMapper.builder().build());
        McpServer.async(new StdioServerTransportProvider(json)).serverInfo("stdio-test", "1.0").jsonMapper(json)
                .jsonSchemaValidator(TestMcpServer.NO_VALIDATION)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(TestMcpServer.tool("echo", "Echoes its text", Map.of("text", Map.of("type", "string")),
                        (ex, req) -> Mono.just(McpSchema.CallToolResult.builder().content(List.of(
                                TestMcpServer.textContent("stdio:" + req.arguments().get("text")))).build())))
                .build();
        new CountDownLatch(1).await();
    }
}
