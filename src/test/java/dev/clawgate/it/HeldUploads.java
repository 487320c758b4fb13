package dev.clawgate.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Many raw connections, each of which sent only the head of a request that declares a body the gateway answers
 * without reading (a wrong token, a declared length over {@code gateway.http.maxBodyBytes}, an unknown path, a wrong
 * method, a GET that declares a body) and then never sends that body. The connections stay open until
 * {@link #close()}.
 */
final class HeldUploads implements AutoCloseable {
    /** The declared body: over the IT's 64 KiB body limit, under Tomcat's 2 MiB {@code maxSwallowSize}. */
    static final int DECLARED_BYTES = 500_000;
    /** Longest a read waits before the test fails: a guard, far above what an answer takes. */
    private static final int GUARD_MS = 10_000;

    /** One kind of request: how it is sent and what it must be answered. */
    private record Kind(String method, String path, String status, String inBody, String... headers) {
    }

    private static List<Kind> kinds(String auth) {
        String length = "Content-Length: " + DECLARED_BYTES;
        String json = "Content-Type: application/json";
        return List.of(
                new Kind("POST", "/v1/chat/completions", "401", "\"code\":\"invalid_api_key\"", json, length,
                        "Authorization: Bearer wrong"),
                new Kind("POST", "/v1/chat/completions", "413", "\"code\":\"request_too_large\"", json, length, auth),
                new Kind("POST", "/v1/nowhere", "404", "\"code\":\"not_found\"", json, length),
                new Kind("PUT", "/v1/models", "405", "\"code\":\"method_not_allowed\"", json, length, auth),
                new Kind("POST", "/v1/chat/completions", "401", "\"code\":\"invalid_api_key\"", json,
                        "Transfer-Encoding: chunked"),
                new Kind("GET", "/healthz", "200", "\"status\":\"ok\"", json, length),
                new Kind("POST", "/v1/nowhere.jsp", "404", "\"code\":\"not_found\"", json, length));
    }

    private final List<RawHttp> connections = new ArrayList<>();
    private final List<Kind> sent = new ArrayList<>();

    private HeldUploads() {
    }

    /** Opens {@code n} connections to {@code port} and sends each the head of one of the kinds, in turn. */
    static HeldUploads open(int port, String contextPath, int n, String auth) throws IOException {
        List<Kind> kinds = kinds(auth);
        HeldUploads held = new HeldUploads();
        try {
            for (int i = 0; i < n; i++) {
                Kind kind = kinds.get(i % kinds.size());
                RawHttp http = new RawHttp(port).readTimeout(GUARD_MS);
                held.connections.add(http);
                held.sent.add(kind);
                http.request(kind.method(), contextPath + kind.path(), kind.headers());
            }
        } catch (IOException | RuntimeException e) {
            held.close();
            throw e;
        }
        return held;
    }

    /** Each connection got its answer, as JSON, saying the connection closes. */
    void assertEachAnswered() throws IOException {
        for (int i = 0; i < connections.size(); i++) {
            Kind kind = sent.get(i);
            String what = "request " + (i + 1) + " of " + connections.size() + " (" + kind.method() + " "
                    + kind.path() + ")";
            String head;
            try {
                head = connections.get(i).readHead();
            } catch (SocketTimeoutException e) {
                fail(what + " was not answered: every request thread is waiting for a body that never comes");
                return;
            }
            String lower = head.toLowerCase(Locale.ROOT);
            assertTrue(lower.startsWith("http/1.1 " + kind.status() + " "), what + ": " + head);
            assertTrue(lower.contains("\ncontent-type: application/json"), what + ": " + head);
            assertTrue(lower.contains("\nconnection: close\n"), what + " must close the connection: " + head);
            String body = connections.get(i).readFixedBody(head);
            assertTrue(body.contains(kind.inBody()), what + ": " + body);
        }
    }

    /** The server closed every connection rather than waiting for the declared body. */
    void assertEachClosedByServer() throws IOException {
        for (int i = 0; i < connections.size(); i++) {
            String what = "connection " + (i + 1) + " (" + sent.get(i).method() + " " + sent.get(i).path() + ")";
            try {
                assertTrue(connections.get(i).closedByServer(), what + " sent more than its one answer");
            } catch (SocketTimeoutException e) {
                fail(what + " was kept open: the server is waiting for the body");
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (RawHttp http : connections) {
            http.close();
        }
    }
}
