package dev.clawgate.mcp;

import dev.clawgate.config.McpServer;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpClientTransport;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;

/**
 * The SDK transport for a server: a child process over stdio, Streamable HTTP, or the older HTTP+SSE. HTTP transports
 * share the toolbox's one JDK client (10 s connect timeout) and send the configured headers on every request.
 */
final class McpTransports {
    private McpTransports() {
    }

    @SuppressWarnings("deprecation") // HttpClientSseClientTransport: the older transport, kept for servers that need it
    static McpClientTransport create(McpServer config, McpToolbox toolbox, boolean legacySse) {
        if (config.stdio()) {
            List<String> cmd = config.command();
            ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).build();
            return new StdioClientTransport(params, toolbox.json(), McpConnection.MAX_RESPONSE_BYTES);
        }
        URI url = config.url();
        String origin = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder();
        config.headers().forEach((name, value) -> request.header(name, value.reveal()));
        if (legacySse) {
            return HttpClientSseClientTransport.builder(origin).sseEndpoint(endpoint)
                    .clientBuilder(toolbox.httpClientBuilder()).requestBuilder(request).jsonMapper(toolbox.json())
                    .maxResponseSize(McpConnection.MAX_RESPONSE_BYTES).build();
        }
        return HttpClientStreamableHttpTransport.builder(origin).endpoint(endpoint)
                .clientBuilder(toolbox.httpClientBuilder()).requestBuilder(request).jsonMapper(toolbox.json())
                .maxResponseSize(McpConnection.MAX_RESPONSE_BYTES).build();
    }
}
