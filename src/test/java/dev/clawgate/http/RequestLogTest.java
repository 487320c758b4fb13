package dev.clawgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clawgate.Gateway.RequestRecord;
import org.junit.jupiter.api.Test;

class RequestLogTest {
    @Test
    void lineNamesEveryFieldInOrderWithMillisecondsAndTokens() {
        RequestRecord r = new RequestRecord("req_1", "main", "stateless", true, 200, "ok", null, 12_345_678L,
                2_500_000L, 3, 4);
        assertEquals("chat request_id=req_1 agent=main session=stateless stream=true status=200 outcome=ok"
                + " duration_ms=12 ttft_ms=2 prompt_tokens=3 completion_tokens=4", RequestLog.line(r));
    }

    @Test
    void failedRequestWithoutFirstTokenShowsErrorTypeAndDash() {
        RequestRecord r = new RequestRecord("req_2", "up", "user", false, 502, "error", "api_error", 1_000_000L, -1,
                0, 0);
        assertEquals("chat request_id=req_2 agent=up session=user stream=false status=502 outcome=error"
                + " error=api_error duration_ms=1 ttft_ms=- prompt_tokens=0 completion_tokens=0", RequestLog.line(r));
    }
}
