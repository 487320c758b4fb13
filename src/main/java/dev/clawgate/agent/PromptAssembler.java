package dev.clawgate.agent;

import dev.clawgate.config.GatewayConfig.AgentSpec;
import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds what the upstream receives (SPEC §6): the agent's system prompt, then the request's system and developer
 * messages (sent as {@code system}, which every OpenAI-compatible server understands), then the last
 * {@code maxHistoryMessages} of the session transcript, then the new messages. The new messages are the request's
 * other messages minus the longest prefix of them that equals the end of the transcript, so a client that resends
 * the whole conversation does not get it twice, and one that sends only its new message gets the remembered history.
 * A prefix that ends with the whole transcript counts too: the store drops a session's oldest turns
 * ({@code gateway.state.maxTranscriptMessages}, {@code maxTranscriptBytes}) that a client still resends, and those
 * are not new either ({@link HistoryOverlap}, linear in the number of messages).
 */
public final class PromptAssembler {
    private PromptAssembler() {
    }

    /**
     * @param upstream the messages to send
     * @param fresh    the new messages, the start of the turn to commit
     */
    public record Prompt(List<ChatMessage> upstream, List<ChatMessage> fresh) {
    }

    public static Prompt assemble(AgentSpec agent, List<ChatMessage> request, List<ChatMessage> transcript) {
        List<ChatMessage> upstream = new ArrayList<>(request.size() + 8);
        if (agent.systemPrompt() != null) {
            upstream.add(ChatMessage.text("system", agent.systemPrompt()));
        }
        List<ChatMessage> conversation = new ArrayList<>(request.size());
        for (ChatMessage m : request) {
            if (m.role().equals("system") || m.role().equals("developer")) {
                upstream.add(m.role().equals("system") ? m
                        : new ChatMessage("system", m.content(), m.name(), null, null));
            } else {
                conversation.add(m);
            }
        }
        int overlap = overlap(transcript, conversation);
        List<ChatMessage> fresh = conversation.subList(overlap, conversation.size());
        if (fresh.stream().noneMatch(m -> m.role().equals("user") || m.role().equals("tool"))) {
            throw ApiException.badRequest("messages", "Nothing new in `messages`: the session already ends with "
                    + "these messages; send a new user or tool message.");
        }
        upstream.addAll(window(transcript, agent.maxHistoryMessages()));
        upstream.addAll(fresh);
        return new Prompt(upstream, List.copyOf(fresh));
    }

    /** How many leading messages of {@code conversation} the transcript already holds ({@link HistoryOverlap}). */
    static int overlap(List<ChatMessage> transcript, List<ChatMessage> conversation) {
        return new HistoryOverlap().overlap(transcript, conversation);
    }

    /** The last {@code max} messages, not starting with a tool result whose call was cut off. */
    static List<ChatMessage> window(List<ChatMessage> transcript, int max) {
        int from = Math.max(0, transcript.size() - max);
        while (from < transcript.size() && transcript.get(from).role().equals("tool")) {
            from++;
        }
        return transcript.subList(from, transcript.size());
    }
}
