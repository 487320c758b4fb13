package dev.clawgate.it;

import static dev.clawgate.it.FaultyUpstream.chunk;
import static dev.clawgate.it.FaultyUpstream.send;
import static dev.clawgate.it.FaultyUpstream.streamHead;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.Gateway;
import dev.clawgate.events.RequestRecord;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream that fails at the byte level, behind the real WAR in embedded Jetty: each fault gets the answer the
 * README's upstream table documents, the exchange ends (its request record is written), and afterwards the upstream
 * holds no open connection from the gateway and each provider's client is within its thread bound (checked after
 * every test). Timeouts are short: the provider {@code fault-quick} allows 300 ms of silence, the gateway
 * {@link #endless} cuts every request at 1500 ms ({@code gateway.http.streamTimeoutMs}).
 */
class UpstreamFaultTest {
    static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    /** The bound of each provider's client pool (README: 2–8 threads {@code clawgate-upstream-<name>-N}). */
    static final int MAX_PROVIDER_THREADS = 8;
    static final List<String> PROVIDERS = List.of("fault-quick", "fault-patient", "fault-endless");

    static FaultyUpstream upstream;
    static GatewayServer server;
    static GatewayServer endless;
    static final LinkedBlockingQueue<RequestRecord> finished = new LinkedBlockingQueue<>();
    int acceptedBefore;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FaultyUpstream();
        server = GatewayServer.start(
                "models.providers.fault-quick.baseUrl", upstream.baseUrl(),
                "models.providers.fault-quick.timeoutMs", "300",
                "models.providers.fault-patient.baseUrl", upstream.baseUrl(),
                "models.providers.fault-patient.timeoutMs", "20000",
                "agents.main.model", "fault-quick/m",
                "agents.patient.model", "fault-patient/m");
        endless = GatewayServer.start(
                "gateway.http.streamTimeoutMs", "1500",
                "models.providers.fault-endless.baseUrl", upstream.baseUrl(),
                "models.providers.fault-endless.timeoutMs", "20000",
                "agents.main.model", "fault-endless/m");
        for (GatewayServer g : List.of(server, endless)) {
            ((Gateway) g.context().getServletContext().getAttribute(Gateway.ATTRIBUTE)).onRequestFinished(finished::add);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        endless.close();
        upstream.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (providerThreads() > 0 && System.nanoTime() < deadline) {
            // bounded polling: the clients stop their threads as the gateways undeploy
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertEquals(0, providerThreads(), "provider threads left after undeploy");
    }

    /** Live threads of this class's providers' HTTP clients. */
    static long providerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> PROVIDERS.stream().anyMatch(p -> t.getName().startsWith("clawgate-upstream-" + p + "-")))
                .count();
    }

    @BeforeEach
    void count() {
        finished.clear();
        acceptedBefore = upstream.accepted();
    }

    @AfterEach
    void leavesNoConnectionOrThreadBehind() throws Exception {
        assertEquals(acceptedBefore + 1, upstream.accepted(), "the gateway called the upstream once");
        assertEquals(0, upstream.awaitNoOpenConnections(10, TimeUnit.SECONDS),
                "connections from the gateway still open at the upstream");
        for (String provider : PROVIDERS) {
            long threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("clawgate-upstream-" + provider + "-")).count();
            assertTrue(threads <= MAX_PROVIDER_THREADS, threads + " threads for provider " + provider);
        }
    }

    /** The record of the request that just ended (waits up to 10 s for the exchange to end). */
    static RequestRecord record() throws InterruptedException {
        RequestRecord r = finished.poll(10, TimeUnit.SECONDS);
        assertNotNull(r, "the exchange ended");
        return r;
    }

    /** A streaming request to {@code gateway}; returns the status line + headers and the de-chunked body. */
    static String[] stream(GatewayServer gateway, String model) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":true," + HI + "}",
                    "Authorization: Bearer " + GatewayServer.TOKEN);
            String head = http.readHead();
            String body = head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")
                    ? http.readChunkedBody() : http.readFixedBody(head);
            return new String[] {head, body};
        }
    }

    /** The last two frames of a stream that failed after its 200: the error frame's code, then [DONE]. */
    static void assertEndsWithErrorFrame(String body, String code) {
        List<String> frames = StreamingTest.frames(body);
        String error = frames.get(frames.size() - 2);
        assertTrue(error.startsWith("data: {\"error\":{") && error.contains("\"code\":\"" + code + "\""), body);
        assertEquals("data: [DONE]", frames.get(frames.size() - 1));
    }

    static String content(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    static final String FINISH = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";

    // ---- the faults ----

    @Test
    void headersThatNeverCompleteAreA504BeforeAStreamingClientGetsIts200() throws Exception {
        upstream.play((socket, out) -> {
            send(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Slow: ");
            while (true) { // one header byte at a time, never the blank line: a byte is not a header
                send(out, "a");
                TimeUnit.MILLISECONDS.sleep(20);
            }
        });
        String[] r = stream(server, "openclaw");
        assertTrue(r[0].startsWith("HTTP/1.1 504"), r[0]);
        assertTrue(r[0].toLowerCase(Locale.ROOT).contains("content-type: application/json"), r[0]);
        assertTrue(r[1].contains("\"code\":\"upstream_timeout\""), r[1]);
        RequestRecord rec = record();
        assertEquals(504, rec.status());
        assertEquals("error", rec.outcome());
    }

    @Test
    void aSlowButSteadyBodyIsRelayedWhole() throws Exception {
        String sse = content("slow ") + content("but steady") + FINISH + "data: [DONE]\n\n";
        upstream.play((socket, out) -> {
            send(out, streamHead());
            for (char c : sse.toCharArray()) { // every byte its own chunk, a pause before each
                TimeUnit.MILLISECONDS.sleep(2);
                chunk(out, String.valueOf(c));
            }
            send(out, "0\r\n\r\n");
        });
        server.api().body("{\"model\":\"openclaw:patient\"," + HI + "}").post("/v1/chat/completions").then()
                .statusCode(200)
                .body("choices[0].message.content", equalTo("slow but steady"))
                .body("choices[0].finish_reason", equalTo("stop"));
        assertEquals("ok", record().outcome());
    }

    @Test
    void aBodyThatStallsMidStreamEndsWithAnUpstreamTimeoutFrame() throws Exception {
        upstream.play((socket, out) -> {
            send(out, streamHead());
            chunk(out, content("par"));
            // then silence, the response left open
        });
        String[] r = stream(server, "openclaw");
        assertTrue(r[0].startsWith("HTTP/1.1 200"), r[0]);
        assertTrue(r[1].contains("\"content\":\"par\""), r[1]);
        assertEndsWithErrorFrame(r[1], "upstream_timeout");
        RequestRecord rec = record();
        assertEquals(200, rec.status());
        assertEquals("error", rec.outcome());
    }

    @Test
    void aConnectionResetMidStreamEndsWithAnUpstreamDroppedFrame() throws Exception {
        upstream.play((socket, out) -> {
            send(out, streamHead());
            chunk(out, content("par"));
            socket.setSoLinger(true, 0);
            socket.close(); // RST
        });
        String[] r = stream(server, "openclaw");
        assertTrue(r[0].startsWith("HTTP/1.1 200"), r[0]);
        assertEndsWithErrorFrame(r[1], "upstream_dropped");
        assertEquals("error", record().outcome());
    }

    @Test
    void aConnectionResetMidStreamIsA502UpstreamDroppedForANonStreamingClient() throws Exception {
        upstream.play((socket, out) -> {
            send(out, streamHead());
            chunk(out, content("par"));
            socket.setSoLinger(true, 0);
            socket.close();
        });
        server.api().body("{" + HI + "}").post("/v1/chat/completions").then()
                .statusCode(502).body("error.code", equalTo("upstream_dropped"));
        assertEquals(502, record().status());
    }

    @Test
    void malformedSseIsA502ProtocolErrorAndTheGatewayClosesTheConnection() throws Exception {
        upstream.play((socket, out) -> {
            send(out, streamHead());
            chunk(out, "data: {\"choices\": [ this is not JSON\n\n");
            // the response stays open: only the gateway can end it
        });
        server.api().body("{" + HI + "}").post("/v1/chat/completions").then()
                .statusCode(502)
                .body("error.type", equalTo("api_error"))
                .body("error.code", equalTo("upstream_protocol_error"));
        assertEquals(502, record().status());
    }

    @Test
    void aSuccessWithAnHtmlBodyIsA502ProtocolErrorNotAnEmpty200() throws Exception {
        String html = "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>";
        upstream.play((socket, out) -> send(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                + html.length() + "\r\nConnection: close\r\n\r\n" + html));
        String[] r = stream(server, "openclaw");
        assertTrue(r[0].startsWith("HTTP/1.1 502"), r[0]);
        assertTrue(r[0].toLowerCase(Locale.ROOT).contains("content-type: application/json"), r[0]);
        assertTrue(r[1].contains("\"code\":\"upstream_protocol_error\""), r[1]);
        assertTrue(!r[1].contains("nginx"), "the upstream's page is not relayed: " + r[1]);
        assertEquals(502, record().status());
    }

    @Test
    void oneHugeSseLineIsAProtocolErrorNotAnOutOfMemoryError() throws Exception {
        String block = "x".repeat(64 * 1024);
        upstream.play((socket, out) -> {
            send(out, streamHead());
            chunk(out, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
            for (int i = 0; i <= 16; i++) { // 1 MiB + 64 KiB on one line, and no end to it
                chunk(out, block);
            }
        });
        server.api().body("{" + HI + "}").post("/v1/chat/completions").then()
                .statusCode(502)
                .body("error.code", equalTo("upstream_protocol_error"))
                .body("error.message", org.hamcrest.Matchers.containsString("1048576 bytes"));
        assertEquals(502, record().status());
    }

    @Test
    void aStreamThatNeverEndsIsCutAtStreamTimeoutMs() throws Exception {
        upstream.play((socket, out) -> {
            send(out, streamHead());
            while (true) { // content keeps coming, so the upstream is never silent: only streamTimeoutMs ends it
                chunk(out, content("tick "));
                TimeUnit.MILLISECONDS.sleep(50);
            }
        });
        String[] r = stream(endless, "openclaw");
        assertTrue(r[0].startsWith("HTTP/1.1 200"), r[0]);
        assertTrue(r[1].contains("\"content\":\"tick \""), r[1]);
        assertEndsWithErrorFrame(r[1], "timeout");
        RequestRecord rec = record();
        assertEquals("timeout", rec.outcome());
    }

    @Test
    void aStreamThatNeverEndsIsA504ForANonStreamingClient() throws Exception {
        upstream.play((socket, out) -> {
            send(out, streamHead());
            while (true) {
                chunk(out, ": keep-alive\n\n");
                TimeUnit.MILLISECONDS.sleep(50);
            }
        });
        endless.api().body("{" + HI + "}").post("/v1/chat/completions").then()
                .statusCode(504)
                .body("error.type", equalTo("api_error"))
                .body("error.code", equalTo("timeout"));
        assertEquals(504, record().status());
    }
}
