package io.vigia.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One error response, as read back from {@link RecentErrors}.
 *
 * @param sequence    position of the error in the order errors were recorded, starting at 0
 * @param epochMillis when the error response was written, in milliseconds since the epoch
 * @param status      the HTTP status sent to the client
 * @param method      the request method, or {@code null} when the request could not be parsed
 * @param path        the request target as the client sent it, or {@code null} when unknown
 * @param message     a human-readable message from whoever made the error, or {@code null}
 * @param upstream    the backend that served the response, {@code host:port}, or {@code null}
 * @param cause       why the balancer or server made the error itself, or {@code null} when it
 *                    relayed or produced an ordinary application error
 */
public record ErrorRecord(
        long sequence,
        long epochMillis,
        int status,
        String method,
        String path,
        String message,
        String upstream,
        ErrorCause cause) {

    private static final DateTimeFormatter ISO_MILLIS_UTC =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    /** The bucket this error is counted in. */
    public ErrorBucket bucket() {
        return ErrorBucket.of(status);
    }

    /** The time in ISO-8601 with millisecond precision and zone, for example {@code 2026-12-04T21:44:11.123Z}. */
    public String timestamp() {
        return ISO_MILLIS_UTC.format(Instant.ofEpochMilli(epochMillis));
    }
}
