package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Renders an {@link ApiException} as OpenAI's JSON error, with its status and {@code Retry-After}. */
public final class ApiErrors {
    private ApiErrors() {
    }

    /** Sets a 200 with {@code json} as its body (type and length); returns the body to send. Not yet committed. */
    static byte[] prepareOk(HttpServletResponse response, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("application/json; charset=utf-8");
        response.setContentLength(body.length);
        return body;
    }

    /** Sets status and headers for {@code e}; returns the body to send. The response must not be committed. */
    static byte[] prepare(HttpServletResponse response, ApiException e) {
        response.setStatus(e.status());
        response.setContentType("application/json; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        if (e.retryAfterSeconds() != null) {
            response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401 && "invalid_api_key".equals(e.code())) {
            // only the gateway's own auth challenge; an upstream's 401 is relayed without one
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        byte[] body = e.toJson().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        return body;
    }

    /** Writes {@code e} at once with a blocking write: for filters and the synchronous part of a request. */
    public static void send(HttpServletResponse response, ApiException e) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        byte[] body = prepare(response, e);
        response.getOutputStream().write(body);
    }
}
