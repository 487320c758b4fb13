package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A client that reads slowly pauses the upstream read instead of making the gateway queue the stream. */
class UpstreamBackpressureTest {
    static final int EVENTS = 50_000;
    static final String PIECE = "x".repeat(1000);

    @Test
    void aClientThatStopsReadingHoldsTheUpstreamBackAndStillGetsTheWholeStream() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             GatewayServer server = GatewayServer.start("models.providers.fake.baseUrl", upstream.baseUrl(),
                     "agents.main.model", "fake/m", "gateway.http.heartbeatMs", "600000")) {
            upstream.reply(Reply.sse(Stream.concat(IntStream.range(0, EVENTS).mapToObj(i -> Reply.content(PIECE)),
                    Stream.of(Reply.finish("stop"))).toArray(String[]::new)));
            try (RawHttp http = new RawHttp(server.port())) {
                http.post("/v1/chat/completions", "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"hi\"}]}", "Authorization: Bearer " + GatewayServer.TOKEN);
                assertTrue(http.readHead().startsWith("HTTP/1.1 200"));
                // ~50 MB do not fit in the socket buffers: unless the gateway buffers them, the upstream must wait
                assertFalse(upstream.awaitReplyWritten(2, TimeUnit.SECONDS), "the upstream was not held back");
                List<String> frames = StreamingTest.frames(http.readChunkedBody());
                assertEquals(1 + EVENTS + 2, frames.size());
                assertEquals(EVENTS, frames.stream().filter(f -> f.contains(PIECE)).count());
                assertEquals("data: [DONE]", frames.get(frames.size() - 1));
            }
            assertTrue(upstream.awaitReplyWritten(5, TimeUnit.SECONDS));
        }
    }
}
