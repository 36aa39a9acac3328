package io.vigia.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outlier detector on an EmbeddedChannel's loop, whose clock the test advances. */
class OutlierDetectorTest {

    private final EmbeddedChannel timer = new EmbeddedChannel();

    @AfterEach
    void close() {
        timer.finishAndReleaseAll();
    }

    @Test
    void ejectionGrowsAndIsCapped() {
        OutlierDetector detector = new OutlierDetector(group(2), timer.eventLoop(), 3, 1_000, 50);

        assertThat(detector.ejectionMillis(1)).isEqualTo(1_000);
        assertThat(detector.ejectionMillis(2)).isEqualTo(2_000);
        assertThat(detector.ejectionMillis(OutlierDetector.MAX_EJECTION_FACTOR + 5))
                .isEqualTo(1_000L * OutlierDetector.MAX_EJECTION_FACTOR);
    }

    @Test
    void ejectionEndsAfterItsTime() {
        BackendGroup group = group(2);
        Backend backend = group.all().get(0);
        OutlierDetector detector = new OutlierDetector(group, timer.eventLoop(), 2, 1_000, 50);

        detector.onResponse(backend, 502);
        assertThat(backend.state()).isEqualTo(BackendState.UP);
        detector.onResponse(backend, 504);
        assertThat(backend.state()).isEqualTo(BackendState.EJECTED);

        timer.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        timer.runScheduledPendingTasks();
        assertThat(backend.state()).isEqualTo(BackendState.EJECTED);
        timer.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        timer.runScheduledPendingTasks();
        assertThat(backend.state()).isEqualTo(BackendState.UP);
    }

    @Test
    void lastHealthyBackendStays() {
        BackendGroup group = group(1);
        OutlierDetector detector = new OutlierDetector(group, timer.eventLoop(), 1, 1_000, 100);

        detector.onResponse(group.all().get(0), 500);

        assertThat(group.all().get(0).state()).isEqualTo(BackendState.UP);
    }

    @Test
    void zeroThresholdTurnsEjectionOff() {
        BackendGroup group = group(2);
        OutlierDetector detector = new OutlierDetector(group, timer.eventLoop(), 0, 1_000, 50);

        for (int i = 0; i < 10; i++) {
            detector.onResponse(group.all().get(0), 500);
        }

        assertThat(detector.isEnabled()).isFalse();
        assertThat(group.healthy()).hasSize(2);
    }

    private static BackendGroup group(int size) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            backends.add(new Backend(i, "127.0.0.1", 5001 + i, new InetSocketAddress("127.0.0.1", 5001 + i),
                    BackendState.UP, 0));
        }
        return new BackendGroup(backends, () -> 0);
    }
}
