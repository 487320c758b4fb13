package dev.clawgate.it;

import static dev.clawgate.it.Reply.content;
import static dev.clawgate.it.Reply.finish;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.StringReader;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A non-streaming client that hangs up while its reply is being generated: nothing is written to it until the end,
 * so the gateway must notice the closed connection some other way (SPEC §8), cancel the upstream call within about
 * a second and store nothing of the turn.
 */
class NonStreamingDisconnectTest {
    static FakeUpstream upstream;
    static GatewayServer server;

    /**
     * "slow": 400 tokens, 25 ms apart (10 s), never finished; "while": 60 tokens 25 ms apart (1.5 s, so the connection
     * is probed), then finished; else answers how many messages it received.
     */
    static Reply script(FakeUpstream.Received r) {
        if (r.body().contains("\"content\":\"while\"")) {
            return Reply.sse(java.util.stream.Stream.concat(IntStream.range(0, 60).mapToObj(i -> content("t")),
                    java.util.stream.Stream.of(finish("stop"))).toArray(String[]::new)).withDelayMs(25);
        }
        if (r.body().contains("\"content\":\"slow\"")) {
            return Reply.sse(IntStream.range(0, 400).mapToObj(i -> content("tok" + i)).toArray(String[]::new))
                    .withDelayMs(25).heldOpen();
        }
        int count = Json.createReader(new StringReader(r.body())).readObject().getJsonArray("messages").size();
        return Reply.sse(content("messages=" + count), finish("stop"));
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        upstream.reply(NonStreamingDisconnectTest::script);
        server = GatewayServer.start(
                "models.providers.fake.baseUrl", upstream.baseUrl(),
                "agents.main.model", "fake/m");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        upstream.close();
    }

    /** Sends a non-streaming request, waits until the upstream has it, then closes the socket unanswered. */
    static long askThenHangUp(String user) throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            http.post("/v1/chat/completions", "{\"user\":\"" + user + "\",\"messages\":"
                    + "[{\"role\":\"user\",\"content\":\"slow\"}]}", "Authorization: Bearer " + GatewayServer.TOKEN);
            assertTrue(upstream.nextRequest() != null, "the upstream never got the request");
        }
        return System.nanoTime();
    }

    @Test
    void aNonStreamingClientThatHangsUpClosesTheUpstreamConnectionWithinOneSecond() throws Exception {
        long gone = askThenHangUp("hangup-user");
        long seen = upstream.awaitClientClose(2, TimeUnit.SECONDS);
        assertTrue(seen > 0, "the upstream connection was not closed after the client hung up");
        System.out.printf("upstream saw the close %d ms after the non-streaming client hung up%n",
                TimeUnit.NANOSECONDS.toMillis(seen - gone));
    }

    @Test
    void aKeepAliveClientThatWaitsGetsItsAnswerAndItsNextRequestOnTheSameConnection() throws Exception {
        try (RawHttp http = new RawHttp(server.port())) {
            for (int i = 0; i < 2; i++) {
                http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"while\"}]}",
                        "Authorization: Bearer " + GatewayServer.TOKEN);
                String head = http.readHead();
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                assertTrue(http.readFixedBody(head).contains("\"content\":\"" + "t".repeat(60) + "\""), "answer " + i);
            }
        }
    }

    @Test
    void aNonStreamingRunWhoseClientHungUpStoresNoTurn() throws Exception {
        askThenHangUp("hangup-session");
        assertTrue(upstream.awaitClientClose(2, TimeUnit.SECONDS) > 0, "the upstream call was not cancelled");
        String ask = "{\"user\":\"hangup-session\",\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
        server.api().body(ask).post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo("messages=1"));
    }
}
