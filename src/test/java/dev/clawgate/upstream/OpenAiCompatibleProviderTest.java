package dev.clawgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.config.GatewayConfig.ProviderSpec;
import dev.clawgate.config.Secret;
import dev.clawgate.it.FakeUpstream;
import dev.clawgate.it.Reply;
import dev.clawgate.openai.ChatMessage;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.clawgate.time.SystemScheduler;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider on its own: when the sink hears what, and that closing it stops every thread it started. */
class OpenAiCompatibleProviderTest {
    private FakeUpstream upstream;
    private SystemScheduler timer;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start();
        timer = new SystemScheduler("test-timer");
    }

    @AfterEach
    void stop() throws Exception {
        timer.close();
        upstream.close();
    }

    private OpenAiCompatibleProvider provider(long timeoutMs) {
        return new OpenAiCompatibleProvider(new ProviderSpec("unit", URI.create(upstream.baseUrl() + "/"),
                Secret.ofNullable("sk-unit"), "openai-completions", timeoutMs, 0), timer, Clock.systemUTC());
    }

    private static UpstreamRequest request() {
        return new UpstreamRequest("m", List.of(ChatMessage.text("user", "hi")), Map.of(), null);
    }

    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet();
    }

    @Test
    void theSinkHearsOpenFirstThenDeltasUsageAndCompletion() throws Exception {
        upstream.reply(Reply.sse(Reply.content("a"), Reply.finish("stop"), Reply.usage(1, 1, null)));
        OpenAiCompatibleProvider provider = provider(5000);
        try {
            RecordingSink sink = new RecordingSink();
            provider.stream(request(), sink);
            assertEquals("complete", sink.end.get(5, TimeUnit.SECONDS));
            assertEquals(List.of("open", "content:a", "finish:stop", "usage", "complete"), sink.calls);
            assertEquals("/v1/chat/completions", upstream.nextRequest().path());
        } finally {
            provider.close();
        }
    }

    @Test
    void anUpstreamErrorNeverOpensTheSink() throws Exception {
        upstream.reply(Reply.error(429, "{\"error\":{\"message\":\"busy\"}}").withHeader("Retry-After", "3"));
        OpenAiCompatibleProvider provider = provider(5000);
        try {
            RecordingSink sink = new RecordingSink();
            provider.stream(request(), sink);
            assertEquals("error", sink.end.get(5, TimeUnit.SECONDS));
            assertEquals(List.of("error:429:upstream_rate_limited"), sink.calls);
            assertEquals(3L, sink.error.retryAfterSeconds());
        } finally {
            provider.close();
        }
    }

    @Test
    void aCancelledRunTellsTheSinkNothingAndClosesTheUpstreamConnection() throws Exception {
        upstream.reply(Reply.silence());
        OpenAiCompatibleProvider provider = provider(60_000);
        try {
            RecordingSink sink = new RecordingSink();
            Cancellable run = provider.stream(request(), sink);
            assertTrue(upstream.nextRequest() != null);
            run.cancel();
            assertTrue(upstream.awaitClientClose(1, TimeUnit.SECONDS) > 0);
            assertEquals(List.of(), sink.calls);
            assertEquals(0, provider.running());
        } finally {
            provider.close();
        }
    }

    @Test
    void anUpstreamThatKeepsTheResponseOpenAfterDoneHasItsConnectionClosedAfterTimeoutMs() throws Exception {
        upstream.reply(new Reply(200, Map.of(), "", List.of(Reply.content("a"), Reply.finish("stop")), "\n", false,
                true, -1, 0, true, false));
        OpenAiCompatibleProvider provider = provider(300);
        try {
            RecordingSink sink = new RecordingSink();
            provider.stream(request(), sink);
            assertEquals("complete", sink.end.get(5, TimeUnit.SECONDS));
            assertTrue(upstream.awaitClientClose(5, TimeUnit.SECONDS) > 0, "the held connection was closed");
            assertEquals(List.of("open", "content:a", "finish:stop", "complete"), sink.calls);
        } finally {
            provider.close();
        }
    }

    @Test
    void closeCancelsRunsInFlightAndStopsEveryProviderThread() throws Exception {
        upstream.reply(Reply.silence());
        Set<Thread> before = threads();
        OpenAiCompatibleProvider provider = provider(60_000);
        provider.stream(request(), new RecordingSink());
        assertTrue(upstream.nextRequest() != null);
        provider.close();
        assertTrue(upstream.awaitClientClose(1, TimeUnit.SECONDS) > 0, "the run in flight was cancelled");
        assertTrue(provider.http().client().isStopped());
        // a terminated pool's last worker may still be on its way out: give each a bounded join
        for (Thread t : threads()) {
            if (!before.contains(t) && t.getName().startsWith("clawgate-")) {
                t.join(2_000);
            }
        }
        List<String> left = threads().stream().filter(t -> !before.contains(t) && t.isAlive())
                .filter(t -> t.getName().startsWith("clawgate-")).map(Thread::getName).collect(Collectors.toList());
        assertEquals(List.of(), left);
    }

    @Test
    void closeStopsEveryThreadTheProviderStarted() throws Exception {
        upstream.reply(Reply.sse(Reply.content("a"), Reply.finish("stop")));
        Set<Thread> before = threads();
        OpenAiCompatibleProvider provider = provider(5000);
        RecordingSink sink = new RecordingSink();
        provider.stream(request(), sink);
        assertEquals("complete", sink.end.get(5, TimeUnit.SECONDS));
        List<Thread> started = threads().stream().filter(t -> !before.contains(t))
                .filter(t -> t.getName().startsWith("clawgate-upstream-unit")).collect(Collectors.toList());
        assertFalse(started.isEmpty(), "the client runs on the provider's own named threads");
        assertTrue(started.stream().allMatch(Thread::isDaemon));
        provider.close();
        assertTrue(provider.http().client().isStopped());
        assertEquals(List.of(), started.stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toList()));
    }
}
