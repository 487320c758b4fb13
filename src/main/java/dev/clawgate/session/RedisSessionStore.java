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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transcripts in Redis, shared by every node ({@code gateway.state.redis.url}). One list per session,
 * {@code clawgate:session:<sha256 hex of the session key>} (the raw key never reaches Redis), one entry per committed
 * turn in the {@link TurnRecords} format. The list expires {@code gateway.state.idleTtlMs} after its last commit.
 *
 * <p>Ordering: within a node the {@link KeyedSequencer} queues turns on one key; across nodes a lock
 * ({@link RedisLock}, key {@code clawgate:session:<sha256>:lock}, TTL 30 s renewed every 10 s while the turn runs,
 * so a crashed node frees it within 30 s) is taken before the transcript is read and is held until the turn ends. Waiting for it holds no thread
 * (retries on the gateway's timer) and gives up after {@code streamTimeoutMs}. A commit is one Lua script that checks
 * the lock still holds this turn's token, RPUSHes the one record, refreshes the TTL and frees the lock — atomically,
 * so a turn is stored whole or not at all and never lands after a lock that expired. No turn is lost or interleaved.
 *
 * <p>Failures: when Redis fails or is slower than {@link RedisState#COMMAND_TIMEOUT_MS}, {@link #acquire} completes
 * exceptionally and {@link SessionStore.Lease#commit} throws (the exchange answers 503 {@code service_unavailable}
 * with {@code Retry-After}). {@link #healthy()} is {@link RedisState#healthy()}. A commit waits for Redis on the
 * thread that calls it, at most {@link RedisState#COMMAND_TIMEOUT_MS} ms. Leases are handed out on this store's own
 * two daemon threads ({@code clawgate-redis-sessions-N}), never on a Netty event loop.
 */
public final class RedisSessionStore implements SessionStore {
    private static final String KEY = RedisState.PREFIX + "session:";
    /** A session lock's TTL, renewed every third of it while its turn runs, ms: a crashed node frees it this soon. */
    static final long LOCK_TTL_MS = 30_000;
    /** KEYS: list, lock; ARGV: token, record, ttl ms. 1 when stored; 0 when the lock no longer holds the token. */
    private static final String COMMIT = """
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
            redis.call('RPUSH', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('DEL', KEYS[2])
            return 1
            """;

    private final RedisState redis;
    private final RedisLock lock;
    private final long idleTtlMs;
    private final long streamTimeoutMs;
    private final KeyedSequencer sequencer = new KeyedSequencer();
    private final TurnRecords records = new TurnRecords();
    private final ExecutorService handoff;

    /**
     * @param redis           the node's Redis connection
     * @param scheduler       the gateway's timer (lock retries)
     * @param idleTtlMs       {@code gateway.state.idleTtlMs}: a session's list expires this long after its last
     *                        commit, ms, at least 1
     * @param streamTimeoutMs {@code gateway.http.streamTimeoutMs}: longest wait for the lock, ms
     */
    public RedisSessionStore(RedisState redis, Scheduler scheduler, long idleTtlMs,
                             long streamTimeoutMs) {
        if (idleTtlMs < 1 || streamTimeoutMs < 1) {
            throw new IllegalArgumentException("idleTtlMs and streamTimeoutMs must be positive");
        }
        this.redis = redis;
        this.lock = new RedisLock(redis, scheduler);
        this.idleTtlMs = idleTtlMs;
        this.streamTimeoutMs = streamTimeoutMs;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "clawgate-redis-sessions-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.handoff = pool;
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
        sequencer.enter(key).thenAccept(ticket -> lock.acquire(lockKey, LOCK_TTL_MS, streamTimeoutMs)
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

    private void fail(KeyedSequencer.Ticket ticket, Throwable error, CompletableFuture<Lease> result) {
        ticket.leave();
        redis.failed("session", error);
        handoff(() -> result.completeExceptionally(error), result);
    }

    /** Runs {@code task} on this store's threads; false (and {@code result} failed) when they are shut down. */
    private boolean handoff(Runnable task, CompletableFuture<Lease> result) {
        try {
            handoff.execute(task);
            return true;
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return false;
        }
    }

    private CompletableFuture<List<ChatMessage>> read(String list) {
        try {
            return redis.commands().lrange(list, 0, -1).toCompletableFuture().thenApply(this::decode);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The messages of every entry, oldest first; an entry that does not decode is left out. */
    List<ChatMessage> decode(List<String> entries) {
        List<ChatMessage> messages = new ArrayList<>();
        for (String entry : entries) {
            messages.addAll(records.decode(entry.getBytes(StandardCharsets.UTF_8)).messages());
        }
        return List.copyOf(messages);
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
        handoff.shutdownNow();
    }

    private final class RedisLease extends SequencedLease {
        private final String list;
        private final String lockKey;
        private final String token;
        private final Scheduler.Task keepAlive;

        RedisLease(KeyedSequencer.Ticket ticket, List<ChatMessage> transcript, String list, String lockKey,
                   String token, Scheduler.Task keepAlive) {
            super(ticket, transcript);
            this.list = list;
            this.lockKey = lockKey;
            this.token = token;
            this.keepAlive = keepAlive;
        }

        @Override
        void write(List<ChatMessage> turn) {
            keepAlive.cancel();
            Long stored;
            try {
                stored = redis.commands().<Long>eval(COMMIT, ScriptOutputType.INTEGER, new String[] {list, lockKey},
                        token, encode(turn), Long.toString(idleTtlMs))
                        .get(RedisState.COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(e);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                throw failure(e);
            }
            if (stored == null || stored != 1L) {
                throw failure(new IllegalStateException("the session lock expired before the commit"));
            }
        }

        private IllegalStateException failure(Exception e) {
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
