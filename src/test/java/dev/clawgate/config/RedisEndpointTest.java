package dev.clawgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisEndpointTest {
    static RedisEndpoint parse(String url) {
        return RedisEndpoint.parse(ConfigKeys.STATE_REDIS_URL, url);
    }

    @Test
    void aBareUrlGetsPort6379AndDatabase0WithoutTlsOrPassword() {
        assertEquals(new RedisEndpoint("redis.internal", 6379, null, null, false, 0), parse("redis://redis.internal"));
    }

    @Test
    void passwordUserPortDatabaseAndTlsAreRead() {
        RedisEndpoint e = parse("rediss://app:p%40ss+word@10.0.0.5:6380/3");
        assertEquals("10.0.0.5", e.host());
        assertEquals(6380, e.port());
        assertEquals("app", e.username());
        assertEquals("p@ss+word", e.password().reveal());
        assertTrue(e.ssl());
        assertEquals(3, e.database());
        assertEquals("10.0.0.5:6380", e.where());
    }

    @Test
    void userInfoWithoutAColonIsAPasswordAsRedisClientsReadIt() {
        RedisEndpoint e = parse("redis://s3cret@127.0.0.1:7000");
        assertNull(e.username());
        assertEquals("s3cret", e.password().reveal());
        assertNull(parse("redis://:@127.0.0.1").password());
    }

    @Test
    void anIpv6HostIsWrittenInBrackets() {
        RedisEndpoint e = parse("redis://[::1]:6390/1");
        assertEquals("::1", e.host());
        assertEquals("[::1]:6390", e.where());
    }

    @Test
    void theTextNeverShowsThePassword() {
        RedisEndpoint e = parse("redis://:hunter2-long@127.0.0.1:6379/0");
        assertFalse(e.toString().contains("hunter2"), e.toString());
        assertEquals("redis://127.0.0.1:6379/0", e.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://:pw-secretish@127.0.0.1:6379", "127.0.0.1:6379", "redis://",
            "redis://:pw-secretish@", "redis://:pw-secretish@h:0", "redis://h:65536", "redis://h:x", "redis://h/db",
            "redis://h/-1", "redis://:pw-secretish@h?timeout=1s", "redis://[::1", "redis://h#x",
            "redis://:%zz-secretish@h", "redis://h o"})
    void aBadUrlFailsNamingTheKeyButNeverQuotingIt(String url) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoaderTest.load(Map.of("gateway.state.redis.url", url)));
        assertEquals("gateway.state.redis.url", e.key());
        assertFalse(e.getMessage().contains("secretish"), e.getMessage());
    }

    @Test
    void theLoaderHandsOverTheEndpointAndChoosesTheRedisStore() {
        GatewayConfig.State s = ConfigLoaderTest.load(Map.of("gateway.state.redis.url",
                "redis://:${env:PW}@127.0.0.1:6379/2"), Map.of(), Map.of("PW", "pw-from-env")).state();
        assertEquals(GatewayConfig.StoreKind.REDIS, s.store());
        assertEquals(2, s.redis().database());
        assertEquals("pw-from-env", s.redis().password().reveal());
    }
}
