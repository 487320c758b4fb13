package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.specification.RequestSpecification;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run that ends early (client gone, async timeout) cancels the upstream call at once: the fake upstream sees its
 * connection closed within a second, and the session keeps nothing of the run.
 */
class UpstreamCancellationTest {
    static FakeUpstream upstream;
    static GatewayServer server;

    /** "hold" in the last user message: stream forever; else answer with how many messages were received. */
    static Reply script(FakeUpstream.Received r) {
        if (r.body().contains("\"content\":\"hold\"")) {
            return Reply.sse(IntStream.range(0, 200).mapToObj(i -> content("tok" + i)).toArray(String[]::new))
                    .withDelayMs(20).heldOpen();
        }
        if (r.body().contains("\"content\":\"idle\"")) {
            return Reply.sse(content("one token, then nothing")).heldOpen();
        }
        int count = Json.createReader(new StringReader(r.body())).readObject().getJsonArray("messages").size();
        return Reply.sse(content("messages=" + count), finish("stop"));
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        upstream.reply(UpstreamCancellationTest::script);
        server = GatewayServer.start(
                "models.providers.fake.baseUrl", upstream.baseUrl(),
                "agents.main.model", "fake/m",
                "gateway.http.heartbeatMs", "200");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        upstream.close();
    }

    /** Starts a stream, reads its head and first two chunks, then drops the connection; returns when it dropped. */
    static long streamThenDisconnect(GatewayServer gateway, String text, String user) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.post("/v1/chat/completions", "{\"stream\":true,\"user\":\"" + user + "\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"" + text + "\"}]}",
                    "Authorization: Bearer " + GatewayServer.TOKEN);
            assertTrue(http.readHead().startsWith("HTTP/1.1 200"));
            assertTrue(http.readChunk().contains("\"role\":\"assistant\""));
            assertTrue(http.readChunk().contains("\"content\":"));
        }
        return System.nanoTime();
    }

    static void assertUpstreamSeesCloseWithinOneSecond(long disconnectedAt, String what) throws Exception {
        long seen = upstream.awaitClientClose(1, TimeUnit.SECONDS);
        assertTrue(seen > 0, "the upstream did not see its connection close within 1 s (" + what + ")");
        System.out.printf("upstream saw the close %d ms after %s%n",
                TimeUnit.NANOSECONDS.toMillis(seen - disconnectedAt), what);
    }

    @Test
    void aClientThatDisconnectsMidStreamClosesTheUpstreamConnectionWithinOneSecond() throws Exception {
        long gone = streamThenDisconnect(server, "hold", "disconnect-user");
        assertUpstreamSeesCloseWithinOneSecond(gone, "the client disconnected mid-stream");
    }

    @Test
    void aDisconnectDuringUpstreamSilenceIsNoticedAtTheNextHeartbeat() throws Exception {
        long gone = streamThenDisconnect(server, "idle", "idle-user");
        assertUpstreamSeesCloseWithinOneSecond(gone, "the client disconnected during silence (heartbeat 200 ms)");
    }

    @Test
    void aCancelledRunCommitsNothingToItsSession() throws Exception {
        streamThenDisconnect(server, "hold", "cancel-user");
        assertTrue(upstream.awaitClientClose(1, TimeUnit.SECONDS) > 0);
        String ask = "{\"user\":\"cancel-user\",\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
        // the cancelled turn left nothing: only the new message goes up
        api().body(ask).post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo("messages=1"));
        // a completed turn is kept: its user message and reply come before the new one
        api().body(ask.replace("count", "again")).post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo("messages=3"));
    }

    @Test
    void theAsyncTimeoutCancelsTheUpstreamCall() throws Exception {
        try (GatewayServer quick = GatewayServer.start(
                "models.providers.fake.baseUrl", upstream.baseUrl(),
                "agents.main.model", "fake/m",
                "gateway.http.streamTimeoutMs", "500")) {
            upstream.reply(Reply.silence());
            long timedOut;
            try (RawHttp http = new RawHttp(quick.port())) {
                http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        "Authorization: Bearer " + GatewayServer.TOKEN);
                String head = http.readHead();
                timedOut = System.nanoTime();
                assertTrue(head.startsWith("HTTP/1.1 504"), head);
                assertTrue(http.readFixedBody(head).contains("\"code\":\"timeout\""));
            }
            assertUpstreamSeesCloseWithinOneSecond(timedOut, "the client got its async-timeout 504");
        } finally {
            upstream.reply(UpstreamCancellationTest::script);
        }
    }

    static RequestSpecification api() {
        return server.api();
    }
}
