package dev.clawgate.openai;

/**
 * An error the client sees as OpenAI's {@code {"error":{"message","type","param","code"}}} with an HTTP status.
 * Thrown anywhere on the request path and rendered in one place; its message must never hold a secret or a stack
 * trace.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Long retryAfterSeconds;

    public ApiException(int status, String type, String param, String code, String message, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiException(int status, String type, String param, String code, String message) {
        this(status, type, param, code, message, null);
    }

    /** 400 {@code invalid_request_error} about {@code param}. */
    public static ApiException badRequest(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message);
    }

    /** 400 {@code invalid_request_error} about {@code param} with a machine-readable {@code code}. */
    public static ApiException badRequest(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", param, code, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "invalid_request_error", null, "not_found", message);
    }

    /** 500 with a fixed message: whatever went wrong inside stays in the log. */
    public static ApiException internal() {
        return new ApiException(500, "server_error", null, null, "The server had an error while processing your request.");
    }

    /** 503 while the session store does not answer; the client may retry in a second. */
    public static ApiException storeUnavailable() {
        return new ApiException(503, "service_unavailable", null, "session_store_unavailable",
                "The session store is unavailable; retry later.", 1L);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** Seconds for a {@code Retry-After} header, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The error object as JSON: {@code {"error":{"message":…,"type":…,"param":…,"code":…}}}. */
    public String toJson() {
        StringBuilder b = new StringBuilder(96 + getMessage().length());
        b.append("{\"error\":{\"message\":");
        JsonText.quote(b, getMessage());
        b.append(",\"type\":");
        JsonText.quote(b, type);
        b.append(",\"param\":");
        JsonText.quote(b, param);
        b.append(",\"code\":");
        JsonText.quote(b, code);
        return b.append("}}").toString();
    }
}
