package io.vigia.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendState;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    private Backend backend;
    private BackendGroup group;
    private HealthTracker tracker;

    @BeforeEach
    void setUp() {
        backend = new Backend(0, "127.0.0.1", 5001, new InetSocketAddress("127.0.0.1", 5001), BackendState.UP, 0);
        group = new BackendGroup(List.of(backend), () -> 0);
        tracker = new HealthTracker(backend, group, 2, 3);
    }

    private static ProbeResult success() {
        return new ProbeResult(1, true, 1_000, 200, null);
    }

    private static ProbeResult failure() {
        return new ProbeResult(1, false, 1_000, 503, "status 503");
    }

    @Test
    void firstProbeFailureTakesNewBackendDown() {
        tracker.record(failure());

        assertThat(backend.state()).isEqualTo(BackendState.DOWN);
        assertThat(tracker.lastProbe().error()).isEqualTo("status 503");
    }

    @Test
    void upBackendNeedsFallFailures() {
        tracker.record(success());

        tracker.record(failure());
        tracker.record(failure());
        assertThat(backend.state()).isEqualTo(BackendState.UP);

        tracker.record(failure());
        assertThat(backend.state()).isEqualTo(BackendState.DOWN);
    }

    @Test
    void successResetsFailureCount() {
        tracker.record(success());

        tracker.record(failure());
        tracker.record(failure());
        tracker.record(success());
        tracker.record(failure());
        tracker.record(failure());

        assertThat(backend.state()).isEqualTo(BackendState.UP);
    }

    @Test
    void downBackendNeedsRiseSuccesses() {
        tracker.markDown("connection refused");

        tracker.record(success());
        assertThat(backend.state()).isEqualTo(BackendState.DOWN);

        tracker.record(success());
        assertThat(backend.state()).isEqualTo(BackendState.UP);
        assertThat(group.healthy()).containsExactly(backend);
    }

    @Test
    void markDownRestartsRiseCount() {
        tracker.markDown("first refusal");
        tracker.record(success());

        tracker.markDown("second refusal");
        tracker.record(success());

        assertThat(backend.state()).isEqualTo(BackendState.DOWN);
    }

    @Test
    void probesDoNotEndAnEjection() {
        tracker.record(success());
        group.changeState(backend, BackendState.EJECTED, "test");

        tracker.record(success());
        tracker.record(success());
        tracker.record(success());

        assertThat(backend.state()).isEqualTo(BackendState.EJECTED);
    }

    @Test
    void failedProbesTakeEjectedBackendDown() {
        tracker.record(success());
        group.changeState(backend, BackendState.EJECTED, "test");

        tracker.record(failure());
        tracker.record(failure());
        assertThat(backend.state()).isEqualTo(BackendState.EJECTED);
        tracker.record(failure());

        assertThat(backend.state()).isEqualTo(BackendState.DOWN);
    }

    @Test
    void newDownBackendGoesUpOnFirstSuccess() {
        HealthTracker waiting = newDownTracker();

        waiting.record(success());

        assertThat(waiting.backend().state()).isEqualTo(BackendState.UP);
    }

    @Test
    void newDownBackendFailingFirstProbeNeedsRise() {
        HealthTracker waiting = newDownTracker();

        waiting.record(failure());
        assertThat(waiting.backend().state()).isEqualTo(BackendState.DOWN);

        waiting.record(success());
        assertThat(waiting.backend().state()).isEqualTo(BackendState.DOWN);

        waiting.record(success());
        assertThat(waiting.backend().state()).isEqualTo(BackendState.UP);
    }

    @Test
    void refusalBeforeFirstProbeNeedsRise() {
        HealthTracker waiting = newDownTracker();

        waiting.markDown("connection refused");
        waiting.record(success());

        assertThat(waiting.backend().state()).isEqualTo(BackendState.DOWN);
    }

    private static HealthTracker newDownTracker() {
        Backend down = new Backend(0, "127.0.0.1", 5002, new InetSocketAddress("127.0.0.1", 5002), BackendState.DOWN,
                0);
        return new HealthTracker(down, new BackendGroup(List.of(down), () -> 0), 2, 3);
    }
}
