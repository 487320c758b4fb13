package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Mapped to {@code /}: the WAR serves no files, so anything no other servlet takes is a JSON 404. */
public final class NotFoundServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ApiErrors.send(resp, new ApiException(404, "invalid_request_error", null, "not_found", "Unknown request URL."));
    }
}
