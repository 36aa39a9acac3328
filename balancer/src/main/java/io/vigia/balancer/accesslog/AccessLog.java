package io.vigia.balancer.accesslog;

import io.vigia.balancer.metrics.RequestRecord;
import io.vigia.core.ErrorBucket;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one line per request to the logger {@value #LOGGER_NAME}, which Logback sends to its own
 * asynchronous rolling file and never to the main log.
 *
 * <p>Each event carries the fields as SLF4J key-value pairs, which Logback's {@code JsonEncoder} writes as
 * JSON, and a message with the same fields in this order for the text format:
 * <pre>
 *   client method path status body_bytes_sent total_ms upstream_ms upstream retries bucket
 *   127.0.0.1 GET /api/tasks 200 57 0.412 0.305 127.0.0.1:5001 0 -
 * </pre>
 * Durations are milliseconds with microsecond precision; {@code upstream_ms} covers the last backend attempt.
 * A missing value is {@code -}: no upstream, no upstream time, no error bucket. The path has no query, which
 * may carry secrets. Status 0 means the client closed its connection before any response was sent.
 * Lines are never rate-limited; see {@code AccessLogFiles} for what happens when the disk cannot keep up.
 *
 * <p>Off unless enabled, and then {@link #log} costs one check. Called on event loops; thread-safe.
 */
public final class AccessLog {

    /** The logger that receives access log events. */
    public static final String LOGGER_NAME = "vigia.access";
    /** Longest path written; the rest is cut so one request cannot write a huge line. */
    static final int MAX_PATH_CHARS = 1024;

    private static final Logger log = LoggerFactory.getLogger(LOGGER_NAME);
    private static final String NONE = "-";

    private final boolean enabled;

    public AccessLog(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Writes the line for {@code request}.
     *
     * @param upstream      the backend that served it as {@code host:port}, or {@code null}
     * @param status        status sent to the client, or 0 when none was sent
     * @param totalNanos    time from the request head to the end of the response
     * @param upstreamNanos time of the last backend attempt, or a negative value when no backend was tried
     */
    public void log(RequestRecord request, String upstream, int status, long totalNanos, long upstreamNanos) {
        if (!enabled || !log.isInfoEnabled()) {
            return;
        }
        String method = request.method() == null ? NONE : request.method().name();
        String path = request.uri() == null ? NONE : sanitizedPath(request.uri());
        String totalMillis = millis(totalNanos);
        String upstreamMillis = upstreamNanos < 0 ? NONE : millis(upstreamNanos);
        String upstreamText = upstream == null ? NONE : upstream;
        ErrorBucket bucket = ErrorBucket.of(status);
        String bucketText = bucket == null ? NONE : bucket.name();

        String message = request.clientAddress() + ' ' + method + ' ' + path + ' ' + status + ' '
                + request.bodyBytesSent() + ' ' + totalMillis + ' ' + upstreamMillis + ' ' + upstreamText + ' '
                + request.retries() + ' ' + bucketText;
        log.atInfo()
                .setMessage(message)
                .addKeyValue("time", Instant.now().toString())
                .addKeyValue("client", request.clientAddress())
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("body_bytes_sent", request.bodyBytesSent())
                .addKeyValue("total_ms", totalMillis)
                .addKeyValue("upstream_ms", upstreamMillis)
                .addKeyValue("upstream", upstreamText)
                .addKeyValue("retries", request.retries())
                .addKeyValue("bucket", bucketText)
                .log();
    }

    /** Formats {@code nanos} as milliseconds with three decimals, for example {@code 12.345}. */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        long fraction = micros % 1_000;
        StringBuilder text = new StringBuilder().append(micros / 1_000).append('.');
        if (fraction < 100) {
            text.append('0');
        }
        if (fraction < 10) {
            text.append('0');
        }
        return text.append(fraction).toString();
    }

    /**
     * Returns the path of {@code uri} without its query or fragment, cut to {@link #MAX_PATH_CHARS}, with
     * control characters, spaces and quotes replaced by {@code ?} so the text line keeps its fields apart.
     */
    static String sanitizedPath(String uri) {
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        end = Math.min(end, MAX_PATH_CHARS);
        StringBuilder path = null;
        for (int i = 0; i < end; i++) {
            char c = uri.charAt(i);
            if (c <= ' ' || c == '"' || c == 0x7f) {
                if (path == null) {
                    path = new StringBuilder(uri.substring(0, end));
                }
                path.setCharAt(i, '?');
            }
        }
        return path != null ? path.toString() : uri.substring(0, end);
    }
}
