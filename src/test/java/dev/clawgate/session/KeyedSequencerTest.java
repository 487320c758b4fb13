package dev.clawgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawgate.openai.ApiException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class KeyedSequencerTest {
    /** An executor that runs nothing until the test says so. */
    static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        boolean refuse;

        @Override
        public void execute(Runnable task) {
            if (refuse) {
                throw new RejectedExecutionException("closed");
            }
            tasks.add(task);
        }

        int runAll() {
            int n = 0;
            for (Runnable t; (t = tasks.poll()) != null; n++) {
                t.run();
            }
            return n;
        }
    }

    final ManualExecutor executor = new ManualExecutor();

    @Test
    void theNextWaiterIsGrantedThroughTheExecutorNeverInlineOnTheLeavingThread() throws Exception {
        KeyedSequencer sequencer = new KeyedSequencer(executor, 10);
        KeyedSequencer.Ticket first = sequencer.enter("k").get();
        CompletableFuture<KeyedSequencer.Ticket> second = sequencer.enter("k");
        first.leave();
        assertFalse(second.isDone(), "not completed inline by leave()");
        assertEquals(1, executor.runAll());
        assertTrue(second.isDone());
    }

    @Test
    void tenThousandWaitersThatLeaveAsSoonAsGrantedRunAsALoopInOrder() {
        KeyedSequencer sequencer = new KeyedSequencer(executor, 10_000);
        KeyedSequencer.Ticket first = sequencer.enter("k").join();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            int n = i;
            sequencer.enter("k").thenAccept(t -> {
                order.add(n);
                t.leave();
            });
        }
        first.leave();
        assertEquals(10_000, executor.runAll());
        assertEquals(10_000, order.size());
        for (int i = 0; i < order.size(); i++) {
            assertEquals(i, order.get(i));
        }
        assertTrue(sequencer.enter("k").isDone(), "the key is free again");
    }

    @Test
    void moreThanMaxQueuedWaitersOnOneKeyAreRefusedWithSessionBusy() throws Exception {
        KeyedSequencer sequencer = new KeyedSequencer(executor, 2);
        sequencer.enter("k").get();
        sequencer.enter("k");
        sequencer.enter("k");
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> sequencer.enter("k").get());
        ApiException e = (ApiException) refused.getCause();
        assertEquals(429, e.status());
        assertEquals("session_busy", e.code());
        assertEquals(2, sequencer.waiting("k"));
        assertTrue(sequencer.enter("other").isDone(), "other keys are not affected");
    }

    @Test
    void whenTheExecutorRefusesAHandOffTheWaitersFailAndTheKeyIsFreed() {
        KeyedSequencer sequencer = new KeyedSequencer(executor, 10);
        KeyedSequencer.Ticket first = sequencer.enter("k").join();
        CompletableFuture<KeyedSequencer.Ticket> a = sequencer.enter("k");
        CompletableFuture<KeyedSequencer.Ticket> b = sequencer.enter("k");
        executor.refuse = true;
        first.leave();
        assertTrue(a.isCompletedExceptionally());
        assertTrue(b.isCompletedExceptionally());
        assertEquals(0, sequencer.waiting("k"));
        assertTrue(sequencer.tryEnter("k") != null, "not left held");
    }
}
