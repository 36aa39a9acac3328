package io.vigia.balancer.pool;

import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.PerBackend;
import java.util.concurrent.atomic.LongAdder;

/**
 * Open and idle connections to each backend, summed over every event loop's {@link LoopConnectionPool}, for
 * the connection gauges of {@code /metrics}. A backend that a configuration reload adds is counted like one
 * configured at start.
 *
 * <p>Each loop updates the counters of the connections it owns, and a scrape reads them from another
 * thread. The two sums are read one after the other, so {@link #inUse} can be off by the connections that
 * changed between the two reads; it is clamped at zero.
 */
public final class ConnectionCounts {

    private final PerBackend<Counters> counters = new PerBackend<>(backend -> new Counters());

    /** Connections to {@code backend} that are open and serving a request, or about to. */
    public long inUse(Backend backend) {
        Counters counts = counters.get(backend);
        return Math.max(0, counts.open.sum() - counts.idle.sum());
    }

    /** Connections to {@code backend} that wait in a pool for the next request. */
    public long idle(Backend backend) {
        return counters.get(backend).idle.sum();
    }

    /** Returns the counters of {@code backend}, which a pool keeps for the connections it opens. */
    Counters of(Backend backend) {
        return counters.get(backend);
    }

    /** The open and idle connections to one backend. */
    static final class Counters {
        private final LongAdder open = new LongAdder();
        private final LongAdder idle = new LongAdder();

        void opened() {
            open.increment();
        }

        void closed() {
            open.decrement();
        }

        void idleAdded() {
            idle.increment();
        }

        void idleRemoved() {
            idle.decrement();
        }
    }
}
