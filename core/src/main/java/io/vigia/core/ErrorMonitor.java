package io.vigia.core;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counts every error response and keeps the most recent ones: the state behind {@code GET /errors/stats}.
 *
 * <p>One instance serves a whole process and is shared by all its event loops. {@link #record} is
 * lock-free and allocates nothing in steady state; {@link #snapshot()} may run on any thread.
 */
public final class ErrorMonitor {

    private final ErrorCounters counters = new ErrorCounters();
    private final RecentErrors recent;
    private final LongSupplier clockMillis;
    private final ErrorListener listener;

    /** Creates a monitor that keeps the last {@link RecentErrors#DEFAULT_CAPACITY} errors. */
    public ErrorMonitor() {
        this(RecentErrors.DEFAULT_CAPACITY);
    }

    public ErrorMonitor(int recentCapacity) {
        this(recentCapacity, System::currentTimeMillis);
    }

    /** Creates a monitor that timestamps errors with {@code clockMillis}, for tests with a fixed clock. */
    public ErrorMonitor(int recentCapacity, LongSupplier clockMillis) {
        this(recentCapacity, clockMillis, null);
    }

    /**
     * Creates a monitor that also hands every recorded error to {@code listener}, for example to count it in
     * metrics with its upstream and cause; {@code null} means no listener.
     */
    public ErrorMonitor(int recentCapacity, LongSupplier clockMillis, ErrorListener listener) {
        this.recent = new RecentErrors(recentCapacity);
        this.clockMillis = clockMillis;
        this.listener = listener;
    }

    /**
     * Records one error response; a {@code status} below 400 is ignored.
     *
     * @param method   request method, or {@code null} if the request could not be parsed
     * @param path     request target as received, or {@code null}
     * @param message  human-readable detail from whoever produced the error, or {@code null}
     * @param upstream backend that served it as {@code host:port}, or {@code null}
     * @param cause    why the balancer or server made the error itself, or {@code null}
     */
    public void record(int status, String method, String path, String message, String upstream,
                       ErrorCause cause) {
        if (!ErrorBucket.isError(status)) {
            return;
        }
        counters.increment(status);
        recent.record(clockMillis.getAsLong(), status, method, path, message, upstream, cause);
        if (listener != null) {
            listener.onError(status, method, path, upstream, cause);
        }
    }

    public long totalErrors() {
        return counters.total();
    }

    /** Returns the count of one status, for example {@code count(503)}. */
    public long count(int status) {
        return counters.count(status);
    }

    public int recentCapacity() {
        return recent.capacity();
    }

    /** Returns the counts and the recent errors (newest first) as one view. */
    public ErrorStats snapshot() {
        List<ErrorRecord> recentErrors = recent.snapshot();
        Map<String, Long> byBucket = counters.byBucket();
        long total = 0;
        for (long count : byBucket.values()) {
            total += count;
        }
        // The total is summed from the same bucket map, so the two always agree in one response.
        return new ErrorStats(total, byBucket, recentErrors);
    }
}
