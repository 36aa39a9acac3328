package io.vigia.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Error counts per bucket and in total, safe to increment from any number of threads.
 *
 * <p>Each status from 400 to 999 has its own {@link LongAdder}, created up front, so incrementing never
 * allocates once an adder has spread its cells under contention. Reads are not atomic across buckets:
 * a {@link #byBucket()} taken while errors are being counted may be a few increments behind
 * {@link #total()}.
 */
public final class ErrorCounters {

    private final LongAdder total = new LongAdder();
    private final LongAdder[] byStatus =
            new LongAdder[ErrorBucket.MAX_STATUS - ErrorBucket.MIN_ERROR_STATUS + 1];

    public ErrorCounters() {
        for (int i = 0; i < byStatus.length; i++) {
            byStatus[i] = new LongAdder();
        }
    }

    /** Counts one error with {@code status}; statuses that are not errors are ignored. */
    public void increment(int status) {
        if (status < ErrorBucket.MIN_ERROR_STATUS || status > ErrorBucket.MAX_STATUS) {
            return;
        }
        byStatus[status - ErrorBucket.MIN_ERROR_STATUS].increment();
        total.increment();
    }

    public long total() {
        return total.sum();
    }

    /** Returns the count for one status, 0 for a status that is not an error. */
    public long count(int status) {
        if (status < ErrorBucket.MIN_ERROR_STATUS || status > ErrorBucket.MAX_STATUS) {
            return 0;
        }
        return byStatus[status - ErrorBucket.MIN_ERROR_STATUS].sum();
    }

    /** Returns the non-zero counts keyed by bucket name, ordered by status code. */
    public Map<String, Long> byBucket() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < byStatus.length; i++) {
            long count = byStatus[i].sum();
            if (count > 0) {
                counts.put(ErrorBucket.of(ErrorBucket.MIN_ERROR_STATUS + i).name(), count);
            }
        }
        return counts;
    }
}
