package io.vigia.balancer.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastOutstandingSelectorTest {

    private static Backend backend(String host) {
        return new Backend(0, host, 80, InetSocketAddress.createUnresolved(host, 80), BackendState.UP, 0);
    }

    @Test
    void picksBackendWithFewestInFlight() {
        Backend a = backend("a");
        Backend b = backend("b");
        Backend c = backend("c");
        a.startRequest();
        a.startRequest();
        c.startRequest();
        LeastOutstandingSelector selector = new LeastOutstandingSelector();

        for (int i = 0; i < 6; i++) {
            assertThat(selector.select(List.of(a, b, c), backend -> false)).isSameAs(b);
        }
    }

    @Test
    void tiesGoRoundRobin() {
        List<Backend> healthy = List.of(backend("a"), backend("b"), backend("c"));
        LeastOutstandingSelector selector = new LeastOutstandingSelector();
        StringBuilder order = new StringBuilder();

        for (int i = 0; i < 6; i++) {
            order.append(selector.select(healthy, backend -> false).host());
        }

        assertThat(order.toString()).isEqualTo("abcabc");
    }

    @Test
    void skipsRejectedBackends() {
        Backend busy = backend("busy");
        Backend idle = backend("idle");
        busy.startRequest();
        LeastOutstandingSelector selector = new LeastOutstandingSelector();

        assertThat(selector.select(List.of(busy, idle), backend -> backend == idle)).isSameAs(busy);
        assertThat(selector.select(List.of(busy, idle), backend -> true)).isNull();
        assertThat(selector.select(List.of(), backend -> false)).isNull();
    }

    @Test
    void finishedRequestLowersCount() {
        Backend a = backend("a");
        a.startRequest();
        a.finishRequest();

        assertThat(a.inFlight()).isZero();
    }
}
