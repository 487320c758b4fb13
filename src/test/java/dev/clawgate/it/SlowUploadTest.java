package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request body is read without holding a container thread, and a body that never arrives gets a 408. */
class SlowUploadTest {
    static final String AUTH = "Authorization: Bearer " + GatewayServer.TOKEN;

    /** Sends the head of a POST that promises {@code length} bytes, and only {@code sent} of them. */
    static Socket stalledUpload(int port, int length, String sent) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + AUTH + "\r\nContent-Length: " + length + "\r\n\r\n" + sent).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return s;
    }

    @Test
    void slowUploadsHoldNoContainerThreadSoOtherRequestsStillGetAnswered() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try (GatewayServer server = GatewayServer.startWithThreads(10)) {
            // more stalled uploads than the pool has threads: a blocking body read would take every one of them
            for (int i = 0; i < 24; i++) {
                stalled.add(stalledUpload(server.port(), 200, "{\"messages\":"));
            }
            try (RawHttp http = new RawHttp(server.port())) {
                http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"still here\"}]}",
                        AUTH);
                String head = http.readHead();
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                assertTrue(http.readFixedBody(head).contains("echo: still here"));
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void aBodyThatDoesNotArriveWithinTheTimeoutIs408() throws Exception {
        try (GatewayServer server = GatewayServer.start("gateway.http.streamTimeoutMs", "300");
             Socket s = stalledUpload(server.port(), 100, "{\"messages\":")) {
            RawHttp reply = RawHttp.over(s);
            String head = reply.readHead();
            assertTrue(head.startsWith("HTTP/1.1 408"), head);
            String body = reply.readFixedBody(head);
            assertEquals("{\"error\":{\"message\":\"The request body did not arrive in time.\",\"type\":"
                    + "\"invalid_request_error\",\"param\":null,\"code\":\"request_timeout\"}}", body);
        }
    }
}
