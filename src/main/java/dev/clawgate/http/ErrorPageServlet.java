package dev.clawgate.http;

import dev.clawgate.openai.ApiException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The WAR's default error page ({@code <error-page><location>/clawgate-error</location></error-page>} in web.xml,
 * mapped at {@link #PATH}): whatever the container answers with {@code sendError} or an uncaught exception inside the
 * WAR is the OpenAI JSON error of that status, never the container's HTML page or a stack trace. The message is
 * fixed per status; the container's message and the exception are not shown. Filters do not run on the container's
 * ERROR dispatch; a client that asks for {@link #PATH} itself gets {@link RouteFilter}'s 404.
 */
public final class ErrorPageServlet extends HttpServlet {
    /** Where web.xml's {@code <error-page>} points. */
    public static final String PATH = "/clawgate-error";

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 && i <= 599 ? i : 500;
        if (req.getDispatcherType() != jakarta.servlet.DispatcherType.ERROR) {
            status = 404;
        }
        ApiErrors.send(resp, errorFor(status));
    }

    /** The JSON error for a status the container reached. */
    static ApiException errorFor(int status) {
        return switch (status) {
            case 400 -> new ApiException(400, "invalid_request_error", null, "bad_request", "The request is malformed.");
            case 404 -> ApiException.notFound("Unknown request URL.");
            case 405 -> new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                    "This method is not allowed on this path.");
            case 408 -> BodyReader.timedOut();
            case 413 -> new ApiException(413, "invalid_request_error", null, "request_too_large",
                    "The request is too large.");
            case 429 -> new ApiException(429, "rate_limit_error", null, "rate_limit_exceeded", "Too many requests.");
            case 503 -> new ApiException(503, "service_unavailable", null, "service_unavailable",
                    "The service is unavailable; retry later.", 1L);
            default -> status < 500
                    ? new ApiException(status, "invalid_request_error", null, null,
                            "The request failed with HTTP status " + status + ".")
                    : new ApiException(status, "server_error", null, null,
                            "The server had an error while processing your request.");
        };
    }
}
