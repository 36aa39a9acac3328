package io.vigia.balancer.pool;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.vigia.balancer.selection.Backend;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@link LoopConnectionPool} of every event loop, created on first use.
 *
 * <p>A frontend handler looks its loop's pool up once per client connection; after that, every pool
 * operation runs on that loop without locks. {@link #forLoop} itself is safe from any thread.
 */
public final class ConnectionPools {

    private final Bootstrap template;
    private final int backendCount;
    private final int maxIdlePerBackend;
    private final ConcurrentMap<EventLoop, LoopConnectionPool> pools = new ConcurrentHashMap<>();
    private final ConnectionCounts counts;

    /**
     * @param template          client bootstrap with channel class, options and handler set, but no group;
     *                          it is cloned once per event loop
     * @param backendCount      expected number of backends, which sizes each loop's map
     * @param maxIdlePerBackend idle connections kept per backend and per event loop; 0 disables reuse
     */
    public ConnectionPools(Bootstrap template, int backendCount, int maxIdlePerBackend) {
        if (maxIdlePerBackend < 0) {
            throw new IllegalArgumentException("maxIdlePerBackend must be 0 or more, got " + maxIdlePerBackend);
        }
        this.template = template;
        this.backendCount = backendCount;
        this.maxIdlePerBackend = maxIdlePerBackend;
        this.counts = new ConnectionCounts();
    }

    /** Open and idle connections per backend across every loop. */
    public ConnectionCounts counts() {
        return counts;
    }

    /**
     * Closes the idle connections to {@code backend} on every loop, each on its own loop. Connections in use
     * are closed when their exchange releases them, because the backend is retired.
     */
    public void closeIdle(Backend backend) {
        for (LoopConnectionPool pool : pools.values()) {
            pool.loop().execute(() -> pool.closeIdle(backend));
        }
    }

    /** Returns the pool of {@code loop}, creating it on first use. */
    public LoopConnectionPool forLoop(EventLoop loop) {
        return pools.computeIfAbsent(loop,
                key -> new LoopConnectionPool(key, template.clone(key), backendCount, maxIdlePerBackend, counts));
    }
}
