package dev.clawgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.FakeClock;
import dev.clawgate.openai.ChatMessage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Responses API state in a session store: stored under the caller's namespace, found only there, bounded by it. */
class StoredResponsesTest {
    private final FakeClock clock = new FakeClock();
    private final MemorySessionStore store = new MemorySessionStore(clock, 100, 60_000);
    private final StoredResponses responses = new StoredResponses(store);

    @AfterEach
    void close() {
        store.close();
    }

    private Optional<StoredResponses.Stored> find(String namespace, String id) {
        return responses.find(namespace, id).toCompletableFuture().join();
    }

    @Test
    void aSavedResponseIsFoundWithItsConversationByItsOwnCallerOnly() {
        SessionKey conversation = StoredResponses.newConversation("operator", "resp_abc");
        assertEquals("responses:8:operator:conv:resp_abc", conversation.value());
        assertEquals(SessionKey.Kind.RESPONSE, conversation.kind());
        assertTrue(conversation.stateful());
        responses.save("operator", "resp_abc", new StoredResponses.Stored(conversation, "{\"id\":\"resp_abc\"}"))
                .toCompletableFuture().join();

        StoredResponses.Stored found = find("operator", "resp_abc").orElseThrow();
        assertEquals(conversation, found.conversation());
        assertEquals("{\"id\":\"resp_abc\"}", found.json());
        assertEquals(Optional.empty(), find("key:alice", "resp_abc"), "another caller's response is not found");
        assertEquals(Optional.empty(), find("operator", "resp_other"));
    }

    @Test
    void namespacesThatCouldRunTogetherStayApart() {
        // "a:resp" + "x" and "a" + "resp:x"-like ids cannot meet: ids are checked and the namespace length is in the key
        responses.save("a:b", "resp_x", new StoredResponses.Stored(StoredResponses.newConversation("a:b", "resp_x"),
                "{}")).toCompletableFuture().join();
        assertEquals(Optional.empty(), find("a", "b:resp_x"));
        assertEquals(Optional.empty(), find("a:b", "resp_x/../x"));
        assertTrue(find("a:b", "resp_x").isPresent());
    }

    @Test
    void idsThisGatewayNeverMakesAreNeverLookedUp() {
        for (String id : new String[] {null, "", "resp_", "chatcmpl-1", "resp_a-b", "resp_" + "x".repeat(65)}) {
            assertFalse(StoredResponses.validId(id), String.valueOf(id));
            assertEquals(Optional.empty(), find("operator", id));
        }
        assertEquals(0, store.size(), "nothing was created by looking");
    }

    @Test
    void aStoredResponseExpiresWithTheStoresIdleTtl() {
        responses.save("operator", "resp_old", new StoredResponses.Stored(
                StoredResponses.newConversation("operator", "resp_old"), "{}")).toCompletableFuture().join();
        clock.advanceMs(60_000);
        assertEquals(Optional.empty(), find("operator", "resp_old"));
    }

    @Test
    void aReadOnlyViewReadsTheTranscriptButItsCommitsWriteNothing() {
        store.acquire("k").toCompletableFuture().join().commit(List.of(ChatMessage.text("user", "hi"),
                ChatMessage.text("assistant", "hello"))).toCompletableFuture().join();
        ReadOnlySessions readOnly = new ReadOnlySessions(store);
        SessionStore.Lease lease = readOnly.acquire("k").toCompletableFuture().join();
        assertEquals(2, lease.transcript().size());
        lease.commit(List.of(ChatMessage.text("user", "more"), ChatMessage.text("assistant", "ok")))
                .toCompletableFuture().join();
        assertEquals(2, transcriptSize("k"));
        readOnly.close();
        assertEquals(2, transcriptSize("k"), "the store stays open");
    }

    private int transcriptSize(String key) {
        SessionStore.Lease lease = store.acquire(key).toCompletableFuture().join();
        try {
            return lease.transcript().size();
        } finally {
            lease.release();
        }
    }
}
