package dev.clawgate.agent;

import static dev.clawgate.agent.PromptAssemblerTest.msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import dev.clawgate.agent.AgentRunTest.FakeProvider;
import dev.clawgate.agent.AgentRunTest.RecordingSink;
import dev.clawgate.agent.PromptAssemblerTest.CountedText;
import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.openai.ChatRequest;
import dev.clawgate.session.MemorySessionStore;
import dev.clawgate.session.SessionKey;
import dev.clawgate.session.SessionLimits;
import dev.clawgate.session.SessionStore;
import dev.clawgate.time.FakeScheduler;
import dev.clawgate.upstream.ProviderRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client that resends its whole history on a {@code user} session: the session's transcript is trimmed at the
 * front (oldest turns dropped whole), yet only the request's new messages are sent after the window and stored.
 */
class HistoryResendTest {
    private static final AgentSpec AGENT = new AgentSpec("main", "fake", "m", null, 50);
    private static final SessionKey KEY = new SessionKey("agent:main:openai-user:carol", SessionKey.Kind.USER);

    private final FakeScheduler time = new FakeScheduler();
    private final FakeProvider provider = new FakeProvider();
    private final List<RunReport> reports = new ArrayList<>();

    /** Runs one turn of {@code messages}, answered with {@code reply}; returns what the client saw. */
    private List<String> turn(SessionStore sessions, List<ChatMessage> messages, String reply) {
        AgentRunner runner = new AgentRunner(new ProviderRegistry(Map.of("fake", provider)), sessions, time);
        ChatRequest chat = new ChatRequest("openclaw", messages, false, false, "carol", null, Map.of());
        RecordingSink sink = new RecordingSink(true);
        runner.run(new RunRequest(chat, AGENT, KEY, "req", time.nanoTime()), sink, reports::add).start();
        if (!sink.calls.isEmpty()) {
            return sink.calls; // refused before the provider was called
        }
        provider.sink.onOpen();
        provider.sink.onContent(reply);
        provider.sink.onComplete();
        return sink.calls;
    }

    private static List<ChatMessage> stored(SessionStore sessions) {
        List<ChatMessage> out = new ArrayList<>();
        sessions.acquire(KEY.value()).thenAccept(lease -> {
            out.addAll(lease.transcript());
            lease.release();
        }).toCompletableFuture().join();
        return out;
    }

    private static List<String> texts(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::text).toList();
    }

    @Test
    void aClientResendingAHistoryLongerThanTheTrimmedTranscriptStoresOnlyItsNewMessages() {
        SessionStore sessions = new MemorySessionStore(new FakeClock(), 10, 60_000,
                new SessionLimits(4, 1_048_576, 67_108_864, 32));
        List<ChatMessage> history = new ArrayList<>();
        for (int i = 1; i <= 4; i++) { // the store keeps two turns of four: the first two are dropped
            history.add(msg("user", "u" + i));
            assertEquals("complete 0", completion(turn(sessions, List.copyOf(history), "a" + i)), "turn " + i);
            history.add(msg("assistant", "a" + i));
        }
        assertEquals(List.of("u3", "a3", "u4", "a4"), texts(stored(sessions)));

        history.add(msg("user", "u5"));
        assertEquals("complete 0", completion(turn(sessions, history, "a5")), "not 413 turn_too_large: u1..a4 are not new");
        assertEquals(List.of("u3", "a3", "u4", "a4", "u5"), texts(provider.request.messages()),
                "upstream gets the window, then only the new message");
        assertEquals(List.of("u4", "a4", "u5", "a5"), texts(stored(sessions)));
    }

    @Test
    void resendingASixtyThousandMessageHistoryOnAUserSessionIsLinearAndStoresOnlyTheNewMessage() {
        SessionStore sessions = new MemorySessionStore(new FakeClock(), 10, 60_000);
        List<ChatMessage> history = PromptAssemblerTest.conversation(30_000, 0);
        // the session holds the newest 1,000 messages (gateway.state.maxTranscriptMessages)
        for (int i = history.size() - 1000; i < history.size(); i += 2) {
            List<ChatMessage> pair = history.subList(i, i + 2);
            sessions.acquire(KEY.value()).thenCompose(lease -> lease.commit(pair)).toCompletableFuture().join();
        }
        List<ChatMessage> request = new ArrayList<>(history);
        request.add(msg("user", "new"));
        CountedText.READS.set(0);

        assertEquals("complete 0", completion(turn(sessions, request, "reply")));
        long n = request.size() + 1000L;
        assertTrue(CountedText.READS.get() <= 2 * n, CountedText.READS.get() + " text reads for " + n + " messages");
        assertEquals(51, provider.request.messages().size(), "the 50-message window, then the new message");
        List<ChatMessage> kept = stored(sessions);
        assertEquals(1000, kept.size());
        assertEquals(List.of("new", "reply"), texts(kept.subList(998, 1000)));
    }

    /** The terminal call the client saw ({@code complete <tokens>} or {@code error <code>}). */
    private static String completion(List<String> calls) {
        return calls.get(calls.size() - 2);
    }
}
