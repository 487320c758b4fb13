package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static dev.clawgate.it.Reply.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Gateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent loop against the reference MCP server, {@code @modelcontextprotocol/server-everything} (installed by
 * {@code .ci/run} into {@code it.mcp.everything.dir}), over Streamable HTTP on a free port, reached only at
 * 127.0.0.1. The agent may call {@code echo} and {@code get-sum}; {@code get-env} (it would hand the model the
 * server's environment) is never allowed. A fake model calls both tools at once, then answers with their results.
 */
class McpEverythingIT {
    static final Path DIR = Path.of(System.getProperty("it.mcp.everything.dir",
            System.getProperty("user.home") + "/.cache/clawgate/mcp-everything"));
    static Process everything;
    static FakeUpstream upstream;
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        Path main = DIR.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        assertTrue(Files.isRegularFile(main), main + " is missing: bash .ci/run installs it");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("node", main.toString(), "streamableHttp")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PORT", Integer.toString(port));
        everything = pb.start();
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Thread stderr = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(everything.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.contains("listening on port")) {
                        listening.complete(null);
                    }
                }
            } catch (java.io.IOException ended) {
                // the process ended
            }
            listening.completeExceptionally(new IllegalStateException("server-everything ended before listening"));
        }, "server-everything-stderr");
        stderr.setDaemon(true);
        stderr.start();
        listening.get(30, TimeUnit.SECONDS);

        upstream = FakeUpstream.start();
        upstream.reply(McpEverythingIT::script);
        server = GatewayServer.start(
                "models.providers.fake.baseUrl", upstream.baseUrl(),
                "mcp.servers.everything.url", "http://127.0.0.1:" + port + "/mcp",
                "agents.main.model", "fake/m", "agents.main.mcpServers", "everything",
                "agents.main.tools", "everything/echo,everything/get-sum", "agents.main.toolProgress", "reasoning");
        Gateway gateway = (Gateway) server.context().getServletContext().getAttribute(Gateway.ATTRIBUTE);
        gateway.tools().firstAttempts().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (everything != null) {
            everything.destroy();
            if (!everything.waitFor(10, TimeUnit.SECONDS)) {
                everything.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    /** Both tools at once; with their results, an answer quoting them. */
    static Reply script(FakeUpstream.Received r) {
        List<String> results = new ArrayList<>();
        for (JsonValue m : json(r.body()).getJsonArray("messages")) {
            if (m.asJsonObject().getString("role").equals("tool")) {
                results.add(m.asJsonObject().getString("content"));
            }
        }
        if (results.isEmpty()) {
            return Reply.sse(toolCall(0, "call_echo", "everything__echo", "{\"message\":\"hi from clawgate\"}"),
                    toolCall(1, "call_sum", "everything__get-sum", "{\"a\":2,\"b\":3}"), finish("tool_calls"));
        }
        return Reply.sse(content(String.join(" | ", results)), finish("stop"));
    }

    @Test
    void theReferenceServersToolsRunInOneRoundAndTheStreamCarriesTheAnswer() throws Exception {
        String sse = server.api().body("{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"use your tools\"}]}").post("/v1/chat/completions").asString();
        assertTrue(sse.contains("calling everything__echo…"), sse);
        assertTrue(sse.contains("calling everything__get-sum…"), sse);
        assertTrue(sse.contains("Echo: hi from clawgate"), sse);
        assertTrue(sse.contains("5"), sse);
        assertFalse(sse.contains("\"tool_calls\""), sse);
        assertTrue(sse.endsWith("data: [DONE]\n\n"), sse);

        String first = upstream.nextRequest().body();
        List<String> offered = new ArrayList<>();
        json(first).getJsonArray("tools").forEach(t -> offered.add(t.asJsonObject().getJsonObject("function")
                .getString("name")));
        assertEquals(List.of("everything__echo", "everything__get-sum"), offered);
        String second = upstream.nextRequest().body();
        List<String> results = new ArrayList<>();
        json(second).getJsonArray("messages").forEach(m -> {
            if (m.asJsonObject().getString("role").equals("tool")) {
                results.add(m.asJsonObject().getString("tool_call_id") + "=" + m.asJsonObject().getString("content"));
            }
        });
        assertEquals(2, results.size(), results.toString());
        assertEquals("call_echo=Echo: hi from clawgate", results.get(0));
        assertTrue(results.get(1).startsWith("call_sum=") && results.get(1).contains("5"), results.get(1));
    }

    @Test
    void readyzNamesTheReferenceServerAsUp() {
        JsonObject body = json(server.api().get("/readyz").asString());
        assertTrue(body.getJsonObject("mcp").getJsonObject("everything").getBoolean("up"), body.toString());
    }
}
