package io.vigia.balancer.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendState;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class LoopConnectionPoolTest {

    private final Backend backend = new Backend(0, "127.0.0.1", 5001, new InetSocketAddress("127.0.0.1", 5001),
            BackendState.UP, 0);

    private LoopConnectionPool newPool(EmbeddedChannel loopOwner, int maxIdle) {
        return new LoopConnectionPool(loopOwner.eventLoop(), new Bootstrap(), 1, maxIdle, new ConnectionCounts());
    }

    @Test
    void reusesMostRecentlyReleased() {
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        LoopConnectionPool pool = newPool(first, 4);

        pool.release(backend, first);
        pool.release(backend, second);

        assertThat(pool.idleCount(backend)).isEqualTo(2);
        assertThat(pool.pollIdle(backend)).isSameAs(second);
        assertThat(pool.pollIdle(backend)).isSameAs(first);
        assertThat(pool.pollIdle(backend)).isNull();
        assertThat(first.finishAndReleaseAll()).isFalse();
        assertThat(second.finishAndReleaseAll()).isFalse();
    }

    @Test
    void closesConnectionsBeyondMaxIdle() {
        EmbeddedChannel kept = new EmbeddedChannel();
        EmbeddedChannel extra = new EmbeddedChannel();
        LoopConnectionPool pool = newPool(kept, 1);

        pool.release(backend, kept);
        pool.release(backend, extra);

        assertThat(pool.idleCount(backend)).isEqualTo(1);
        assertThat(extra.isOpen()).isFalse();
        assertThat(kept.isOpen()).isTrue();
        kept.finishAndReleaseAll();
    }

    @Test
    void skipsConnectionsClosedWhileIdle() {
        EmbeddedChannel closed = new EmbeddedChannel();
        LoopConnectionPool pool = newPool(closed, 4);
        pool.release(backend, closed);

        closed.close();

        assertThat(pool.pollIdle(backend)).isNull();
    }

    @Test
    void zeroMaxIdleDisablesReuse() {
        EmbeddedChannel channel = new EmbeddedChannel();
        LoopConnectionPool pool = newPool(channel, 0);

        pool.release(backend, channel);

        assertThat(channel.isOpen()).isFalse();
        assertThat(pool.pollIdle(backend)).isNull();
    }
}
