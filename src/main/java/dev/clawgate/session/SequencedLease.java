package dev.clawgate.session;

import dev.clawgate.openai.ApiException;
import dev.clawgate.openai.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lease that holds its key's {@link KeyedSequencer} ticket and ends once, by commit or release; the ticket is given
 * back only when the commit's write has finished, so the next turn on the key sees this one.
 */
abstract class SequencedLease implements SessionStore.Lease {
    private static final System.Logger LOG = System.getLogger(SequencedLease.class.getName());

    private final KeyedSequencer.Ticket ticket;
    private final Transcript transcript;
    private final SessionLimits limits;
    private final TurnRecords records;
    private final AtomicBoolean ended = new AtomicBoolean();

    SequencedLease(KeyedSequencer.Ticket ticket, Transcript transcript, SessionLimits limits, TurnRecords records) {
        this.ticket = ticket;
        this.transcript = transcript;
        this.limits = limits;
        this.records = records;
    }

    /** The stored turns this lease was granted with, already within the bounds. */
    final Transcript stored() {
        return transcript;
    }

    /**
     * Stores {@code next} (this lease's transcript plus the turn, oldest turns dropped to fit) as one unit, or fails
     * and stores nothing. Must not block the calling thread on I/O.
     *
     * @param record the turn's {@link TurnRecords} record
     */
    abstract CompletionStage<Void> write(Transcript next, byte[] record);

    /** Called once when the lease ends without a write, before the next turn on the key may start. */
    void released() {
    }

    @Override
    public final List<ChatMessage> transcript() {
        return transcript.messages();
    }

    @Override
    public final void admit(List<ChatMessage> fresh) {
        if (fresh.size() + 1 > limits.maxTranscriptMessages()) {
            throw tooLarge(fresh.size() + " new messages (and the reply)", "gateway.state.maxTranscriptMessages = "
                    + limits.maxTranscriptMessages());
        }
        long bytes = records.encode(fresh).length;
        if (bytes > limits.maxTranscriptBytes()) {
            throw tooLarge(bytes + " bytes of new messages", "gateway.state.maxTranscriptBytes = "
                    + limits.maxTranscriptBytes());
        }
    }

    private static ApiException tooLarge(String what, String bound) {
        return new ApiException(413, "invalid_request_error", "messages", "turn_too_large", "This turn is too large "
                + "for a session to store: " + what + " exceed " + bound + ". Send less, or send it without a "
                + "session (no x-openclaw-session-key and no user).");
    }

    @Override
    public final CompletionStage<Void> commit(List<ChatMessage> turn) {
        if (!ended.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<Void> written;
        try {
            byte[] record = records.encode(turn);
            Transcript next = transcript.plus(new Transcript.Turn(List.copyOf(turn), record.length), limits);
            if (next == null) {
                LOG.log(System.Logger.Level.WARNING, "clawgate: a turn of " + turn.size() + " messages and "
                        + record.length + " bytes exceeds the session bounds (gateway.state.maxTranscriptMessages / "
                        + "maxTranscriptBytes) on its own: not stored, the session is left as it was");
                released();
                written = CompletableFuture.completedFuture(null);
            } else {
                written = write(next, record);
            }
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        return written.whenComplete((v, e) -> ticket.leave());
    }

    @Override
    public final void release() {
        if (ended.compareAndSet(false, true)) {
            try {
                released();
            } finally {
                ticket.leave();
            }
        }
    }
}
