package dev.clawgate.session;

import dev.clawgate.cluster.RedisLock;
import dev.clawgate.cluster.RedisState;
import dev.clawgate.openai.ChatMessage;
import dev.clawgate.time.Scheduler;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Transcripts in Redis, shared by every node ({@code gateway.state.redis.url}). One list per session,
 * {@code clawgate:session:<sha256 hex of the session key>} (the raw key never reaches Redis), one entry per committed
 * turn in the {@link TurnRecords} format. The list expires {@code gateway.state.idleTtlMs} after its last commit.
 * Bounded ({@link SessionLimits}): a read fetches at most the last {@code maxTranscriptMessages} entries and keeps
 * the newest turns within {@code maxTranscriptMessages} and {@code maxTranscriptBytes}; the commit script trims the
 * list ({@code LTRIM}) to exactly those turns plus the new one, so the list never holds more than the bounds.
 *
 * <p>Ordering: within a node the {@link KeyedSequencer} queues turns on one key; across nodes a lock
 * ({@link RedisLock}, key {@code clawgate:session:<sha256>:lock}, TTL 30 s renewed every 10 s while the turn runs,
 * so a crashed node frees it within 30 s) is taken before the transcript is read and is held until the turn ends. Waiting for it holds no thread
 * (retries on the gateway's timer) and gives up after {@code streamTimeoutMs}. A commit is one Lua script that checks
 * the lock still holds this turn's token, RPUSHes the one record, trims the list, refreshes the TTL and frees the
 * lock — atomically,
 * so a turn is stored whole or not at all and never lands after a lock that expired. No turn is lost or interleaved.
 *
 * <p>Failures: when Redis fails or is slower than {@link RedisState#COMMAND_TIMEOUT_MS}, {@link #acquire} completes
 * exceptionally and the stage of {@link SessionStore.Lease#commit} fails (the exchange answers 503
 * {@code service_unavailable} with {@code Retry-After}). {@link #healthy()} is {@link RedisState#healthy()}. No
 * thread waits for Redis: replies arrive on Lettuce's event loop and are handed to this store's
 * {@link StoreExecutor} ({@code clawgate-store-N}), where leases are granted and commits complete; a commit fails
 * after {@link RedisState#COMMAND_TIMEOUT_MS} ms without a reply.
 */
public final class RedisSessionStore implements SessionStore {
    private static final String KEY = RedisState.PREFIX + "session:";
    /** A session lock's TTL, renewed every third of it while its turn runs, ms: a crashed node frees it this soon. */
    static final long LOCK_TTL_MS = 30_000;
    /**
     * KEYS: list, lock; ARGV: token, record, ttl ms, entries to keep (the new one included). 1 when stored; 0 when
     * the lock no longer holds the token.
     */
    private static final String COMMIT = """
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
            redis.call('RPUSH', KEYS[1], ARGV[2])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[4]), -1)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('DEL', KEYS[2])
            return 1
            """;

    private final RedisState redis;
    private final RedisLock lock;
    private final long idleTtlMs;
    private final long streamTimeoutMs;
    private final SessionLimits limits;
    private final StoreExecutor handoff = new StoreExecutor();
    private final KeyedSequencer sequencer;
    private final TurnRecords records = new TurnRecords();

    /**
     * @param redis           the node's Redis connection
     * @param scheduler       the gateway's timer (lock retries)
     * @param idleTtlMs       {@code gateway.state.idleTtlMs}: a session's list expires this long after its last
     *                        commit, ms, at least 1
     * @param streamTimeoutMs {@code gateway.http.streamTimeoutMs}: longest wait for the lock, ms
     * @param limits          transcript and queue bounds
     */
    public RedisSessionStore(RedisState redis, Scheduler scheduler, long idleTtlMs,
                             long streamTimeoutMs, SessionLimits limits) {
        if (idleTtlMs < 1 || streamTimeoutMs < 1) {
            throw new IllegalArgumentException("idleTtlMs and streamTimeoutMs must be positive");
        }
        this.redis = redis;
        this.lock = new RedisLock(redis, scheduler);
        this.idleTtlMs = idleTtlMs;
        this.streamTimeoutMs = streamTimeoutMs;
        this.limits = limits;
        this.sequencer = new KeyedSequencer(handoff, limits.maxQueuedTurns());
    }

    /** With {@link SessionLimits#DEFAULTS}. */
    public RedisSessionStore(RedisState redis, Scheduler scheduler, long idleTtlMs,
                             long streamTimeoutMs) {
        this(redis, scheduler, idleTtlMs, streamTimeoutMs, SessionLimits.DEFAULTS);
    }

    /** The Redis key of a session's list: {@code clawgate:session:<sha256 hex>}. */
    public static String keyOf(String sessionKey) {
        return KEY + FileSessionStore.hash(sessionKey);
    }

    @Override
    public CompletionStage<Lease> acquire(String key) {
        String list = keyOf(key);
        String lockKey = list + ":lock";
        CompletableFuture<Lease> result = new CompletableFuture<>();
        CompletableFuture<KeyedSequencer.Ticket> entered = sequencer.enter(key);
        entered.exceptionally(busy -> { // 429 session_busy: too many turns wait on the key
            result.completeExceptionally(busy);
            return null;
        });
        entered.thenAccept(ticket -> lock.acquire(lockKey, LOCK_TTL_MS, streamTimeoutMs)
                .whenComplete((token, lockError) -> {
                    if (lockError != null) {
                        fail(ticket, lockError, result);
                        return;
                    }
                    read(list).whenComplete((transcript, readError) -> {
                        if (readError != null) {
                            lock.release(lockKey, token);
                            fail(ticket, readError, result);
                        } else {
                            RedisLease lease = new RedisLease(ticket, transcript, list, lockKey, token,
                                    lock.keepAlive(lockKey, token, LOCK_TTL_MS));
                            if (!handoff(() -> {
                                if (!result.complete(lease)) {
                                    lease.release();
                                }
                            }, result)) {
                                lease.release();
                            }
                        }
                    });
                }));
        return result;
    }

    /**
     * Deletes the session's list under its lock (so no turn of another node writes it back meanwhile), in turn with
     * this node's turns on it; completes on this store's threads.
     */
    @Override
    public CompletionStage<Boolean> delete(String key) {
        String list = keyOf(key);
        String lockKey = list + ":lock";
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        sequencer.enter(key).whenComplete((ticket, busy) -> {
            if (busy != null) {
                result.completeExceptionally(busy);
                return;
            }
            lock.acquire(lockKey, LOCK_TTL_MS, streamTimeoutMs).whenComplete((token, lockError) -> {
                if (lockError != null) {
                    fail(ticket, lockError, result);
                    return;
                }
                CompletableFuture<Long> deleted;
                try {
                    deleted = redis.commands().del(list).toCompletableFuture();
                } catch (RuntimeException e) {
                    deleted = CompletableFuture.failedFuture(e);
                }
                deleted.whenComplete((count, error) -> {
                    lock.release(lockKey, token);
                    if (error != null) {
                        fail(ticket, error, result);
                    } else {
                        ticket.leave();
                        handoff(() -> result.complete(count != null && count > 0), result);
                    }
                });
            });
        });
        return result;
    }

    private void fail(KeyedSequencer.Ticket ticket, Throwable error, CompletableFuture<?> result) {
        ticket.leave();
        redis.failed("session", error);
        handoff(() -> result.completeExceptionally(error), result);
    }

    /** Runs {@code task} on this store's threads; false (and {@code result} failed) when they are shut down. */
    private boolean handoff(Runnable task, CompletableFuture<?> result) {
        try {
            handoff.execute(task);
            return true;
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return false;
        }
    }

    private CompletableFuture<Transcript> read(String list) {
        try {
            return redis.commands().lrange(list, -limits.maxTranscriptMessages(), -1).toCompletableFuture()
                    .thenApply(entries -> turns(entries).fit(limits));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The messages of every entry, oldest first; an entry that does not decode is left out. */
    List<ChatMessage> decode(List<String> entries) {
        return turns(entries).messages();
    }

    private Transcript turns(List<String> entries) {
        List<Transcript.Turn> turns = new ArrayList<>(entries.size());
        for (String entry : entries) {
            turns.addAll(records.decode(entry.getBytes(StandardCharsets.UTF_8)).turns());
        }
        return new Transcript(turns);
    }

    /** One entry of a session's list: one {@link TurnRecords} record. */
    String encode(List<ChatMessage> turn) {
        return new String(records.encode(turn), StandardCharsets.UTF_8);
    }

    @Override
    public boolean healthy() {
        return redis.healthy();
    }

    /** Nothing to do: Redis expires idle sessions itself. */
    @Override
    public void prune() {
    }

    @Override
    public void close() {
        handoff.close();
    }

    /** This store's threads (for tests). */
    StoreExecutor executor() {
        return handoff;
    }

    private final class RedisLease extends SequencedLease {
        private final String list;
        private final String lockKey;
        private final String token;
        private final Scheduler.Task keepAlive;

        RedisLease(KeyedSequencer.Ticket ticket, Transcript transcript, String list, String lockKey,
                   String token, Scheduler.Task keepAlive) {
            super(ticket, transcript, limits, records);
            this.list = list;
            this.lockKey = lockKey;
            this.token = token;
            this.keepAlive = keepAlive;
        }

        /** One script, waited for by no thread; its outcome completes the stage on the store's threads. */
        @Override
        CompletionStage<Void> write(Transcript next, byte[] record) {
            keepAlive.cancel();
            CompletableFuture<Void> done = new CompletableFuture<>();
            CompletableFuture<Long> reply;
            try {
                reply = redis.commands().<Long>eval(COMMIT, ScriptOutputType.INTEGER, new String[] {list, lockKey},
                        token, new String(record, StandardCharsets.UTF_8), Long.toString(idleTtlMs),
                        Integer.toString(next.turns().size())).toCompletableFuture(); // Lettuce times it out
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(failure(e));
            }
            reply.whenComplete((stored, error) -> {
                Runnable finish = () -> {
                    if (error != null) {
                        done.completeExceptionally(failure(error));
                    } else if (stored == null || stored != 1L) {
                        done.completeExceptionally(failure(
                                new IllegalStateException("the session lock expired before the commit")));
                    } else {
                        done.complete(null);
                    }
                };
                try {
                    handoff.execute(finish);
                } catch (RuntimeException closed) {
                    finish.run(); // closing: nothing left to protect
                }
            });
            return done;
        }

        private IllegalStateException failure(Throwable e) {
            lock.release(lockKey, token);
            redis.failed("session", e);
            return new IllegalStateException("session commit failed: " + e.getClass().getSimpleName(), null);
        }

        @Override
        void released() {
            keepAlive.cancel();
            lock.release(lockKey, token);
        }
    }
}
