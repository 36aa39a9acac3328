package io.vigia.balancer.pool;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.vigia.balancer.selection.Backend;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Idle keep-alive connections from one event loop to every backend.
 *
 * <p>Every method must be called on {@link #loop()}: the connections are registered on it and the
 * idle lists are plain {@link ArrayDeque}s. Connections are reused last-in first-out, which keeps a few
 * connections busy and lets backends time out the ones that are no longer needed. An idle connection
 * keeps reading, so a close by the backend removes it from its list at once. Data that arrives on an idle
 * connection makes the backend handler close it. A connection to a backend that a configuration reload
 * removed is closed instead of kept.
 */
public final class LoopConnectionPool {

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<Backend, ArrayDeque<Channel>> idleByBackend;
    private final int maxIdlePerBackend;
    private final ConnectionCounts counts;

    /** @param backendCount expected number of backends, which sizes the map; reloads may add more */
    LoopConnectionPool(EventLoop loop, Bootstrap bootstrap, int backendCount, int maxIdlePerBackend,
                       ConnectionCounts counts) {
        this.loop = loop;
        this.counts = counts;
        this.bootstrap = bootstrap;
        this.maxIdlePerBackend = maxIdlePerBackend;
        this.idleByBackend = new IdentityHashMap<>(backendCount);
    }

    public EventLoop loop() {
        return loop;
    }

    /** Takes the most recently released open connection to {@code backend}, or returns {@code null}. */
    public Channel pollIdle(Backend backend) {
        ArrayDeque<Channel> idle = idleFor(backend);
        ConnectionCounts.Counters backendCounts = counts.of(backend);
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            backendCounts.idleRemoved();
            if (channel.isActive()) {
                return channel;
            }
        }
        return null;
    }

    /**
     * Opens a new connection to {@code backend} on this loop. The caller owns the channel until it hands
     * it to {@link #release} or closes it.
     */
    public ChannelFuture connect(Backend backend) {
        ChannelFuture future = bootstrap.connect(backend.address());
        Channel channel = future.channel();
        ConnectionCounts.Counters backendCounts = counts.of(backend);
        ArrayDeque<Channel> idle = idleFor(backend);
        channel.closeFuture().addListener(closed -> {
            if (idle.remove(channel)) {
                backendCounts.idleRemoved();
            }
        });
        future.addListener(connected -> {
            if (connected.isSuccess()) {
                backendCounts.opened();
                channel.closeFuture().addListener(closed -> backendCounts.closed());
            }
        });
        return future;
    }

    /**
     * Keeps {@code channel}, whose last exchange completed cleanly, for reuse; closes it instead when
     * {@code backend} already has the maximum number of idle connections on this loop.
     */
    public void release(Backend backend, Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        ArrayDeque<Channel> idle = idleFor(backend);
        if (idle.size() >= maxIdlePerBackend || backend.isRetired()) {
            channel.close();
            return;
        }
        channel.config().setAutoRead(true);
        idle.addFirst(channel);
        counts.of(backend).idleAdded();
    }

    /** Number of idle connections to {@code backend} on this loop. */
    public int idleCount(Backend backend) {
        ArrayDeque<Channel> idle = idleByBackend.get(backend);
        return idle == null ? 0 : idle.size();
    }

    /** Closes every idle connection to {@code backend} and drops its idle list, after a reload removed it. */
    public void closeIdle(Backend backend) {
        ArrayDeque<Channel> idle = idleByBackend.remove(backend);
        if (idle == null) {
            return;
        }
        ConnectionCounts.Counters backendCounts = counts.of(backend);
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            backendCounts.idleRemoved();
            channel.close();
        }
    }

    private ArrayDeque<Channel> idleFor(Backend backend) {
        return idleByBackend.computeIfAbsent(backend, key -> new ArrayDeque<>());
    }
}
