package io.vigia.balancer.pool;

import java.util.concurrent.atomic.LongAdder;

/**
 * Open and idle connections to each backend, summed over every event loop's {@link LoopConnectionPool}, for
 * the connection gauges of {@code /metrics}.
 *
 * <p>Each loop updates the counters of the connections it owns, and a scrape reads them from another
 * thread. The two sums are read one after the other, so {@link #inUse} can be off by the connections that
 * changed between the two reads; it is clamped at zero.
 *
 * <p>TODO: backends added by a configuration reload get index numbers past the arrays sized at start, so
 * their connections are not counted until the balancer restarts.
 */
public final class ConnectionCounts {

    private final LongAdder[] open;
    private final LongAdder[] idle;

    ConnectionCounts(int backendCount) {
        open = new LongAdder[backendCount];
        idle = new LongAdder[backendCount];
        for (int i = 0; i < backendCount; i++) {
            open[i] = new LongAdder();
            idle[i] = new LongAdder();
        }
    }

    /** Connections to backend {@code index} that are open and serving a request, or about to. */
    public long inUse(int index) {
        if (index >= open.length) {
            return 0;
        }
        return Math.max(0, open[index].sum() - idle[index].sum());
    }

    /** Connections to backend {@code index} that wait in a pool for the next request. */
    public long idle(int index) {
        return index < idle.length ? idle[index].sum() : 0;
    }

    void opened(int index) {
        if (index < open.length) {
            open[index].increment();
        }
    }

    void closed(int index) {
        if (index < open.length) {
            open[index].decrement();
        }
    }

    void idleAdded(int index) {
        if (index < idle.length) {
            idle[index].increment();
        }
    }

    void idleRemoved(int index) {
        if (index < idle.length) {
            idle[index].decrement();
        }
    }
}
