package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Over HTTP: a body that stops arriving is answered by {@code gateway.http.bodyTimeoutMs}, not held until the much
 * longer {@code streamTimeoutMs}; the bytes it held go back to the budget, so a full-size body is taken after it.
 */
class BodyTimeoutTest {
    @Test
    void anUploadThatStallsIsAnswered408AtTheBodyDeadlineAndTheNextFullBodyIsTaken() throws Exception {
        // a budget of exactly one body: the stalled upload must give its bytes back for the next one to be read
        try (GatewayServer server = GatewayServer.start("gateway.http.bodyTimeoutMs", "300",
                "gateway.http.maxBodyBytes", "32768", "gateway.http.maxBodyBytesInFlight", "32768");
             Socket socket = new Socket("127.0.0.1", server.port());
             RawHttp http = RawHttp.over(socket)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + GatewayServer.TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 32768\r\n\r\n{\"messages\":[").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String head = http.readHead();
            assertTrue(head.startsWith("HTTP/1.1 408"), head);
            assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: application/json"), head);
            String body = http.readFixedBody(head);
            assertTrue(body.contains("\"code\":\"request_timeout\""), body);

            String content = "x".repeat(30_000);
            server.api().body("{\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200);
        }
    }
}
