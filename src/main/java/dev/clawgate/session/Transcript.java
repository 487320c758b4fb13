package dev.clawgate.session;

import dev.clawgate.openai.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's stored turns, oldest first, with their totals. Immutable. A turn (the new user/tool messages and the
 * assistant reply committed together) is the unit that is kept or dropped: a transcript over its bounds loses its
 * oldest turns whole, never part of one.
 */
final class Transcript {
    static final Transcript EMPTY = new Transcript(List.of());

    /** One committed turn and its size in the stored form, bytes. */
    record Turn(List<ChatMessage> messages, long bytes) {
    }

    private final List<Turn> turns;
    private final List<ChatMessage> messages;
    private final long bytes;

    Transcript(List<Turn> turns) {
        this.turns = List.copyOf(turns);
        List<ChatMessage> all = new ArrayList<>();
        long total = 0;
        for (Turn t : this.turns) {
            all.addAll(t.messages());
            total += t.bytes();
        }
        this.messages = List.copyOf(all);
        this.bytes = total;
    }

    List<Turn> turns() {
        return turns;
    }

    List<ChatMessage> messages() {
        return messages;
    }

    long bytes() {
        return bytes;
    }

    /** Whether one turn of this size could be kept at all. */
    static boolean fits(SessionLimits limits, int messages, long bytes) {
        return messages <= limits.maxTranscriptMessages() && bytes <= limits.maxTranscriptBytes();
    }

    /** The newest turns that fit the bounds together. */
    Transcript fit(SessionLimits limits) {
        int from = turns.size();
        int count = 0;
        long size = 0;
        while (from > 0) {
            Turn t = turns.get(from - 1);
            if (count + t.messages().size() > limits.maxTranscriptMessages()
                    || size + t.bytes() > limits.maxTranscriptBytes()) {
                break;
            }
            count += t.messages().size();
            size += t.bytes();
            from--;
        }
        return from == 0 ? this : new Transcript(turns.subList(from, turns.size()));
    }

    /** This transcript with {@code turn} appended and the oldest turns dropped to fit; null when the turn cannot fit. */
    Transcript plus(Turn turn, SessionLimits limits) {
        if (!fits(limits, turn.messages().size(), turn.bytes())) {
            return null;
        }
        List<Turn> all = new ArrayList<>(turns.size() + 1);
        all.addAll(turns);
        all.add(turn);
        return new Transcript(all).fit(limits);
    }
}
