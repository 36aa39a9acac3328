package io.vigia.balancer.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendGroupTest {

    private static Backend backend(int index, int port) {
        return new Backend(index, "127.0.0.1", port, new InetSocketAddress("127.0.0.1", port), BackendState.UP, 0);
    }

    @Test
    void stateChangeRepublishesHealthyList() {
        Backend first = backend(0, 5001);
        Backend second = backend(1, 5002);
        long[] clock = {1_000};
        BackendGroup group = new BackendGroup(List.of(first, second), () -> clock[0]);

        clock[0] = 2_000;
        boolean changed = group.changeState(first, BackendState.DOWN, "test");

        assertThat(changed).isTrue();
        assertThat(first.state()).isEqualTo(BackendState.DOWN);
        assertThat(first.stateSinceMillis()).isEqualTo(2_000);
        assertThat(group.healthy()).containsExactly(second);
        assertThat(group.select()).isSameAs(second);
        assertThat(group.select()).isSameAs(second);
    }

    @Test
    void sameStateIsNoChange() {
        Backend first = backend(0, 5001);
        BackendGroup group = new BackendGroup(List.of(first), () -> 5);

        assertThat(group.changeState(first, BackendState.UP, "test")).isFalse();
        assertThat(first.stateSinceMillis()).isZero();
    }

    @Test
    void allDownSelectsNothing() {
        Backend first = backend(0, 5001);
        BackendGroup group = new BackendGroup(List.of(first), () -> 0);

        group.changeState(first, BackendState.DOWN, "test");

        assertThat(group.select()).isNull();
        assertThat(group.select(candidate -> false)).isNull();
    }

    @Test
    void rejectsIndexesOutOfOrder() {
        assertThatThrownBy(() -> new BackendGroup(List.of(backend(1, 5001)), () -> 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 0");
    }

    @Test
    void countsResponsesAndErrors() {
        Backend first = backend(0, 5001);

        first.recordResponse(200);
        first.recordResponse(503);
        first.recordBalancerError();

        assertThat(first.requests()).isEqualTo(2);
        assertThat(first.errors()).isEqualTo(2);
        assertThat(first.id()).isEqualTo("127.0.0.1:5001");
    }
}
