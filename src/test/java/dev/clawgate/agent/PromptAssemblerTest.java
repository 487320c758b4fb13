package dev.clawgate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ChatMessage;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** History de-duplication (SPEC §6): what is new in a request, found in time linear in the messages. */
class PromptAssemblerTest {
    private static final AgentSpec AGENT = new AgentSpec("main", "fake", "m", null, 50);

    /** Message text that counts how often it is read, which is how the tests see the work done. */
    static final class CountedText implements JsonString {
        static final AtomicLong READS = new AtomicLong();
        private final String s;

        CountedText(String s) {
            this.s = s;
        }

        @Override
        public String getString() {
            READS.incrementAndGet();
            return s;
        }

        @Override
        public CharSequence getChars() {
            return getString();
        }

        @Override
        public JsonValue.ValueType getValueType() {
            return JsonValue.ValueType.STRING;
        }

        @Override
        public String toString() {
            return jakarta.json.Json.createValue(s).toString();
        }
    }

    static ChatMessage msg(String role, String text) {
        return new ChatMessage(role, new CountedText(text), null, null, List.of());
    }

    static List<ChatMessage> conversation(int turns, int from) {
        List<ChatMessage> out = new ArrayList<>();
        IntStream.range(from, from + turns).forEach(i -> {
            out.add(msg("user", "question " + i));
            out.add(msg("assistant", "answer " + i));
        });
        return out;
    }

    static List<ChatMessage> plus(List<ChatMessage> a, ChatMessage... more) {
        List<ChatMessage> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    static List<String> texts(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::text).toList();
    }

    @Test
    void resendingTheWholeHistoryLeavesOnlyTheNewMessage() {
        List<ChatMessage> transcript = conversation(3, 0);
        PromptAssembler.Prompt p = PromptAssembler.assemble(AGENT, plus(transcript, msg("user", "new")), transcript);
        assertEquals(List.of("new"), texts(p.fresh()));
        assertEquals(7, p.upstream().size(), "the history once, then the new message");
    }

    @Test
    void resendingOnlyTheLastTurnsOfTheTranscriptLeavesOnlyTheNewMessage() {
        List<ChatMessage> transcript = conversation(5, 0);
        List<ChatMessage> tail = conversation(2, 3);
        assertEquals(List.of("new"),
                texts(PromptAssembler.assemble(AGENT, plus(tail, msg("user", "new")), transcript).fresh()));
    }

    @Test
    void aConversationThatDoesNotContinueTheTranscriptIsAllNew() {
        List<ChatMessage> transcript = conversation(2, 0);
        List<ChatMessage> other = plus(conversation(2, 10), msg("user", "new"));
        assertEquals(5, PromptAssembler.assemble(AGENT, other, transcript).fresh().size());
    }

    @Test
    void aHistoryOlderThanTheTrimmedTranscriptIsNotCountedAsNew() {
        List<ChatMessage> whole = conversation(50, 0);
        List<ChatMessage> trimmed = whole.subList(60, 100); // the store dropped the 30 oldest turns
        PromptAssembler.Prompt p = PromptAssembler.assemble(AGENT, plus(whole, msg("user", "new")), trimmed);
        assertEquals(List.of("new"), texts(p.fresh()));
    }

    @Test
    void theLongestMatchingPrefixWinsWhenTheTranscriptRepeatsItself() {
        List<ChatMessage> transcript = List.of(msg("user", "hi"), msg("assistant", "hello"), msg("user", "hi"),
                msg("assistant", "hello"));
        List<ChatMessage> resent = plus(transcript, msg("user", "new"));
        assertEquals(List.of("new"), texts(PromptAssembler.assemble(AGENT, resent, transcript).fresh()));
    }

    @Test
    void resendingASixtyThousandMessageHistoryReadsEachMessageAConstantNumberOfTimes() {
        List<ChatMessage> history = conversation(30_000, 0);
        List<ChatMessage> request = plus(history, msg("user", "new"));
        CountedText.READS.set(0);
        HistoryOverlap overlap = new HistoryOverlap();
        assertEquals(60_000, overlap.overlap(history, request));
        long n = history.size() + request.size();
        assertTrue(CountedText.READS.get() <= n, CountedText.READS.get() + " text reads for " + n + " messages");
        assertTrue(overlap.comparisons() <= 6 * n, overlap.comparisons() + " comparisons for " + n + " messages");
    }

    @Test
    void aConversationThatNeverLinesUpWithTheTranscriptIsStillComparedInLinearTime() {
        // the old quadratic scan's worst case: every candidate overlap fails only at its last message
        int size = 20_000;
        List<ChatMessage> transcript = new ArrayList<>();
        List<ChatMessage> request = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            transcript.add(msg("user", "again"));
            request.add(msg("user", "again"));
        }
        transcript.set(size - 1, msg("user", "different"));
        CountedText.READS.set(0);
        PromptAssembler.Prompt p = PromptAssembler.assemble(AGENT, request, transcript);
        assertEquals(size, p.fresh().size());
        long n = 2L * size;
        assertTrue(CountedText.READS.get() <= 4 * n, CountedText.READS.get() + " text reads for " + n + " messages");
    }
}
