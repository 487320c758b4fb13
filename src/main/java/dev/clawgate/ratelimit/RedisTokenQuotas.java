package dev.clawgate.ratelimit;

import dev.clawgate.caller.Caller;
import dev.clawgate.cluster.RedisState;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.util.List;

/**
 * {@link TokenQuotas} shared by every node through Redis ({@code gateway.state.redis.url}): the tokens a caller used
 * in a window live in {@code clawgate:quota:<caller id>:m:<minute index>} and {@code …:d:<day index>} (the window's
 * index since the epoch on each node's wall clock — nodes need NTP), each expiring a minute after its window ends.
 * A check is one {@code MGET}, waited for at most {@link RedisState#REQUEST_PATH_TIMEOUT_MS} ms on the container
 * thread; when Redis fails or is slower the request passes without token headers (fail open, as the request limits).
 * A charge is one Lua script ({@code INCRBY} + {@code PEXPIRE} of both windows) sent without waiting; a failed charge
 * is reported (kind {@code quota}) and lost.
 */
public final class RedisTokenQuotas implements TokenQuotas {
    private static final String PREFIX = RedisState.PREFIX + "quota:";
    private static final String CHARGE = "for i = 1, 2 do redis.call('INCRBY', KEYS[i], ARGV[1]); "
            + "redis.call('PEXPIRE', KEYS[i], ARGV[i + 1]) end return 1";
    private static final long GRACE_MS = 60_000;

    private final RedisState redis;
    private final Clock clock;

    public RedisTokenQuotas(RedisState redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public QuotaDecision check(Caller caller) {
        long now = clock.millis();
        List<KeyValue<String, String>> values = redis.awaitOnRequestPath("quota",
                () -> redis.commands().mget(minuteKey(caller, now), dayKey(caller, now)));
        if (values == null) {
            return QuotaDecision.UNKNOWN;
        }
        return QuotaDecision.of(new long[] {caller.tokensPerMinute(), caller.tokensPerDay()},
                new long[] {number(values.get(0)), number(values.get(1))},
                new long[] {TokenQuotas.resetNanos(now, MINUTE_MS), TokenQuotas.resetNanos(now, DAY_MS)});
    }

    @Override
    public void tokensUsed(Caller caller, long tokens) {
        if (tokens <= 0 || !caller.limitsTokens()) {
            return;
        }
        long now = clock.millis();
        String[] keys = {minuteKey(caller, now), dayKey(caller, now)};
        try {
            redis.commands().<Long>eval(CHARGE, ScriptOutputType.INTEGER, keys, Long.toString(tokens),
                    Long.toString(TokenQuotas.resetNanos(now, MINUTE_MS) / 1_000_000 + GRACE_MS),
                    Long.toString(TokenQuotas.resetNanos(now, DAY_MS) / 1_000_000 + GRACE_MS))
                    .whenComplete((ok, error) -> {
                        if (error != null) {
                            redis.failed("quota", error);
                        }
                    });
        } catch (RuntimeException e) {
            redis.failed("quota", e);
        }
    }

    private static String minuteKey(Caller caller, long now) {
        return PREFIX + caller.id() + ":m:" + TokenQuotas.window(now, MINUTE_MS);
    }

    private static String dayKey(Caller caller, long now) {
        return PREFIX + caller.id() + ":d:" + TokenQuotas.window(now, DAY_MS);
    }

    private static long number(KeyValue<String, String> v) {
        if (v == null || !v.hasValue()) {
            return 0;
        }
        try {
            return Long.parseLong(v.getValue());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
