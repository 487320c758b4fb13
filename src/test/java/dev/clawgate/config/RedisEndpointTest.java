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

    static RedisEndpoint load(Map<String, String> params) {
        return ConfigLoaderTest.load(params).state().redis();
    }

    @Test
    void aSentinelUrlListsTheSentinelsWithTheirDefaultPortAndNamesTheMaster() {
        RedisEndpoint e = parse("redis-sentinel://:s3cret-pw@10.0.0.1:26380,10.0.0.2,[::1]:26381/2#my-master.1");
        assertEquals(RedisEndpoint.Mode.SENTINEL, e.mode());
        assertEquals(java.util.List.of(new RedisEndpoint.Node("10.0.0.1", 26380), new RedisEndpoint.Node("10.0.0.2", 26379),
                new RedisEndpoint.Node("::1", 26381)), e.nodes());
        assertEquals("my-master.1", e.masterName());
        assertEquals("s3cret-pw", e.password().reveal());
        assertEquals(2, e.database());
        assertFalse(e.ssl());
        assertTrue(parse("rediss-sentinel://h#m").ssl());
        assertEquals("10.0.0.1:26380,10.0.0.2:26379,[::1]:26381", e.where());
        assertEquals("redis-sentinel://10.0.0.1:26380,10.0.0.2:26379,[::1]:26381/2#my-master.1", e.toString());
    }

    @Test
    void aPercentEncodedHashInASentinelPasswordIsNotTheMasterName() {
        RedisEndpoint e = parse("redis-sentinel://user:p%23w@h1:1,h2:2#m");
        assertEquals("p#w", e.password().reveal());
        assertEquals("user", e.username());
        assertEquals("m", e.masterName());
    }

    @Test
    void theSchemeImpliesSentinelModeAndItsDefaultOfOneReplicaToWaitFor() {
        RedisEndpoint e = load(Map.of("gateway.state.redis.url", "redis-sentinel://127.0.0.1:26379/0#mymaster"));
        assertEquals(RedisEndpoint.Mode.SENTINEL, e.mode());
        assertEquals(1, e.waitReplicas());
        assertEquals(500, e.waitTimeoutMs());
        RedisEndpoint explicit = load(Map.of("gateway.state.redis.url", "redis-sentinel://127.0.0.1#mymaster",
                "gateway.state.redis.mode", "sentinel", "gateway.state.redis.waitReplicas", "0",
                "gateway.state.redis.waitTimeoutMs", "250"));
        assertEquals(0, explicit.waitReplicas());
        assertEquals(250, explicit.waitTimeoutMs());
    }

    @Test
    void aStandaloneServerWaitsForNoReplicaUnlessTold() {
        assertEquals(0, load(Map.of("gateway.state.redis.url", "redis://127.0.0.1")).waitReplicas());
        assertEquals(2, load(Map.of("gateway.state.redis.url", "redis://127.0.0.1",
                "gateway.state.redis.waitReplicas", "2")).waitReplicas());
    }

    @Test
    void clusterModeTakesSeveralSeedNodesAndWaitsForOneReplica() {
        RedisEndpoint e = load(Map.of("gateway.state.redis.url", "rediss://:pw-cluster@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3",
                "gateway.state.redis.mode", "CLUSTER"));
        assertEquals(RedisEndpoint.Mode.CLUSTER, e.mode());
        assertEquals(java.util.List.of(new RedisEndpoint.Node("10.0.0.1", 7000), new RedisEndpoint.Node("10.0.0.2", 7001),
                new RedisEndpoint.Node("10.0.0.3", 6379)), e.nodes());
        assertEquals(1, e.waitReplicas());
        assertTrue(e.ssl());
        assertEquals("rediss://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:6379 (cluster)", e.toString());
        assertEquals(RedisEndpoint.Mode.CLUSTER, load(Map.of("gateway.state.redis.url", "redis://h:7000",
                "gateway.state.redis.mode", "cluster")).mode(), "one seed node is enough");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "redis://:pw-secretish@h1:1,h2:2|standalone|gateway.state.redis.url|gateway.state.redis.mode=cluster",
            "redis://:pw-secretish@h1/3|cluster|gateway.state.redis.url|only database 0",
            "redis://:pw-secretish@h1|sentinel|gateway.state.redis.mode|redis-sentinel://",
            "redis-sentinel://:pw-secretish@h1#m|cluster|gateway.state.redis.mode|redis-sentinel://",
            "redis-sentinel://:pw-secretish@h1|standalone|gateway.state.redis.url|#<master name>",
            "redis-sentinel://:pw-secretish@h1#bad/name|standalone|gateway.state.redis.url|master name",
            "redis-sentinel://:pw-secretish@h1,,h2#m|standalone|gateway.state.redis.url|no valid host",
            "redis-sentinel://:pw-secretish@h1#m?x=1|standalone|gateway.state.redis.url|master name",
            "redis://:pw-secretish@h1|primary|gateway.state.redis.mode|standalone, sentinel or cluster"})
    void aModeThatDoesNotFitTheUrlFailsNamingTheRightKeyButNeverTheUrl(String url, String mode, String key,
                                                                        String hint) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(Map.of("gateway.state.redis.url", url, "gateway.state.redis.mode", mode)));
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
        assertFalse(e.getMessage().contains("secretish"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "17", "x"})
    void waitReplicasIsBounded(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("gateway.state.redis.url",
                "redis://h", "gateway.state.redis.waitReplicas", value)));
        assertEquals("gateway.state.redis.waitReplicas", e.key());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "10001"})
    void waitTimeoutMsIsBounded(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("gateway.state.redis.url",
                "redis://h", "gateway.state.redis.waitTimeoutMs", value)));
        assertEquals("gateway.state.redis.waitTimeoutMs", e.key());
    }
}
