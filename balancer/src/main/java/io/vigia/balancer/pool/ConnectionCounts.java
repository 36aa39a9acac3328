package io.vigia.balancer.pool;

import java.util.concurrent.atomic.LongAdder;

/**
 * Open and idle connections to each backend, summed over every event loop's {@link LoopConnectionPool}, for
 * the connection gauges of {@code /metrics}.
 *
 * <p>Each loop updates the counters of the connections it owns, and a scrape reads them from another
 * thread. The two sums are read one after the other, so {@link #inUse} can be off by the connections that
 * changed between the two reads; it is clamped at zero.
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
        return Math.max(0, open[index].sum() - idle[index].sum());
    }

    /** Connections to backend {@code index} that wait in a pool for the next request. */
    public long idle(int index) {
        return idle[index].sum();
    }

    void opened(int index) {
        open[index].increment();
    }

    void closed(int index) {
        open[index].decrement();
    }

    void idleAdded(int index) {
        idle[index].increment();
    }

    void idleRemoved(int index) {
        idle[index].decrement();
    }
}
