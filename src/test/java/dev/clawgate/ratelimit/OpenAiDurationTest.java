package dev.clawgate.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiDurationTest {
    @ParameterizedTest
    @CsvSource({
            "0, 0s", "-5, 0s", "1, 1ms", "120000000, 120ms", "999000000, 999ms", "999000001, 1s",
            "1000000000, 1s", "1500000000, 1.5s", "1250000000, 1.25s", "59997000000, 59.997s",
            "60000000000, 1m0s", "90000000000, 1m30s", "360000000000, 6m0s", "3600000000000, 1h0m0s",
            "3723000000000, 1h2m3s"})
    void durationsAreWrittenTheWayOpenAiWritesThem(long nanos, String expected) {
        assertEquals(expected, OpenAiDuration.format(nanos));
    }
}
