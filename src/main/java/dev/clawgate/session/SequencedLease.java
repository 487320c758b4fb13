package dev.clawgate.session;

import dev.clawgate.openai.ChatMessage;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A lease that holds its key's {@link KeyedSequencer} ticket and ends once, by commit or release. */
abstract class SequencedLease implements SessionStore.Lease {
    private final KeyedSequencer.Ticket ticket;
    private final List<ChatMessage> transcript;
    private final AtomicBoolean ended = new AtomicBoolean();

    SequencedLease(KeyedSequencer.Ticket ticket, List<ChatMessage> transcript) {
        this.ticket = ticket;
        this.transcript = transcript;
    }

    /** Stores the turn as one unit, or throws and stores nothing. */
    abstract void write(List<ChatMessage> turn);

    /** Called once when the lease ends by {@link #release()}, before the next turn on the key may start. */
    void released() {
    }

    @Override
    public final List<ChatMessage> transcript() {
        return transcript;
    }

    @Override
    public final void commit(List<ChatMessage> turn) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            write(turn);
        } finally {
            ticket.leave();
        }
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
