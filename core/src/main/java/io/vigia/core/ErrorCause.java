package io.vigia.core;

/**
 * Reason a proxy or server produced an error response itself, rather than relaying one from an upstream.
 * Each cause carries the status the client receives for it, so the balancer's 502, 503 and 504 choices
 * all come from this one table and land in the matching {@link ErrorBucket}.
 */
public enum ErrorCause {
    /** The backend refused the TCP connection. */
    CONNECT_REFUSED(502, "connection refused"),
    /** The TCP connection to the backend was not established in time. */
    CONNECT_TIMEOUT(504, "connect timed out"),
    /** The backend accepted the request but sent no complete response in time. */
    RESPONSE_TIMEOUT(504, "response timed out"),
    /** The backend reset the connection. */
    CONNECTION_RESET(502, "connection reset"),
    /** The backend closed the connection before the response was complete. */
    PREMATURE_CLOSE(502, "connection closed before the response was complete"),
    /** The backend sent bytes that are not a valid HTTP response. */
    INVALID_RESPONSE(502, "invalid response"),
    /** No backend was healthy, or every candidate failed before it could be sent the request. */
    NO_HEALTHY_BACKEND(503, "no healthy backend"),
    /** The client sent a request that could not be parsed or is not allowed. */
    MALFORMED_REQUEST(400, "malformed request"),
    /** The client did not send a complete request head, or stopped sending the body, in time. */
    REQUEST_TIMEOUT(408, "request timed out"),
    /** The request body is larger than the configured maximum. */
    CONTENT_TOO_LARGE(413, "request body too large"),
    /** The request line is longer than the configured maximum. */
    URI_TOO_LONG(414, "request line too long"),
    /** The request header section is larger than the configured maximum. */
    HEADERS_TOO_LARGE(431, "request header section too large"),
    /** The request line names an HTTP major version other than 1. */
    HTTP_VERSION_NOT_SUPPORTED(505, "HTTP version not supported"),
    /** The server already has its maximum number of client connections open. */
    CONNECTION_LIMIT(503, "connection limit reached"),
    /** The server failed while handling the request. */
    INTERNAL_FAILURE(500, "internal failure");

    private final int status;
    private final String description;

    ErrorCause(int status, String description) {
        this.status = status;
        this.description = description;
    }

    /** The HTTP status sent to the client for this cause. */
    public int status() {
        return status;
    }

    /** The bucket that errors with this cause are counted in. */
    public ErrorBucket bucket() {
        return ErrorBucket.of(status);
    }

    /** A short lower-case description, used as the default error message. */
    public String description() {
        return description;
    }

    /** The cause as written in JSON and logs, for example {@code connect_refused}. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
