package dev.clawgate.http;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The end of a {@code /v1/responses} reply: its last bytes go out only once the final {@code response} object is
 * stored, so a client that continues at once with {@code previous_response_id} finds it (on any node of a cluster),
 * and the output is closed once both that and the run's {@code close()} have happened. A failed store is logged
 * (without content) and the client still gets its reply; that response cannot be continued or fetched.
 */
final class ResponseEnd {
    private static final System.Logger LOG = System.getLogger(ResponseEnd.class.getName());

    private final ResponseOutput out;
    private final Function<String, CompletionStage<Void>> store;
    private boolean pending;
    private boolean closeAsked;

    /** @param store stores the response object's JSON; null when the request said {@code store:false} */
    ResponseEnd(ResponseOutput out, Function<String, CompletionStage<Void>> store) {
        this.out = out;
        this.store = store;
    }

    /** Stores {@code json} (unless storing is off), then runs {@code send}, on the store's thread or this one. */
    void after(String json, Runnable send) {
        if (store == null) {
            send.run();
            return;
        }
        synchronized (this) {
            pending = true;
        }
        CompletionStage<Void> saved;
        try {
            saved = store.apply(json);
        } catch (RuntimeException e) {
            saved = CompletableFuture.failedFuture(e);
        }
        saved.whenComplete((v, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "clawgate: a response could not be stored: " + failure.getClass().getName());
            }
            try {
                send.run();
            } finally {
                boolean close;
                synchronized (this) {
                    pending = false;
                    close = closeAsked;
                }
                if (close) {
                    out.close();
                }
            }
        });
    }

    /** The run is over: closes the output now, or once the pending store has completed and its bytes are out. */
    void close() {
        synchronized (this) {
            closeAsked = true;
            if (pending) {
                return;
            }
        }
        out.close();
    }
}
