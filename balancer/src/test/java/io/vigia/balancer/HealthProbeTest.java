package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigia.balancer.health.ProbeResult;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthProbeTest {

    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private FakeBackend flapping;
    private FakeBackend steady;
    private BalancerServer balancer;
    private Backend flappingBackend;

    @BeforeEach
    void start() throws Exception {
        flapping = FakeBackend.start();
        steady = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(flapping, steady)
                .probesEnabled(true)
                .probeIntervalMillis(50)
                .probeTimeoutMillis(500)
                .rise(2)
                .fall(2));
        flappingBackend = balancer.backends().all().get(0);
    }

    @AfterEach
    void stop() {
        balancer.stop();
        flapping.close();
        steady.close();
    }

    @Test
    void probesRecordLastResult() throws Exception {
        Await.until("a first probe result", DEADLINE, () -> lastProbe() != null);

        ProbeResult probe = lastProbe();
        assertThat(probe.ok()).isTrue();
        assertThat(probe.status()).isEqualTo(200);
        assertThat(probe.error()).isNull();
        assertThat(probe.latencyNanos()).isPositive();
        assertThat(flapping.received("/health")).isNotEmpty();
    }

    @Test
    void unhealthyBackendGoesDownAndComesBack() throws Exception {
        Await.until("a first probe result", DEADLINE, () -> lastProbe() != null);

        flapping.setHealthy(false);
        Await.until("the flapping backend DOWN", DEADLINE, () -> flappingBackend.state() == BackendState.DOWN);
        assertThat(lastProbe().ok()).isFalse();
        assertThat(lastProbe().status()).isEqualTo(503);
        assertThat(balancer.backends().healthy()).extracting(Backend::id).containsExactly(steady.id());
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 4; i++) {
                assertThat(client.get("/anything").header("X-Upstream-Server")).isEqualTo(steady.id());
            }
        }

        flapping.setHealthy(true);
        Await.until("the flapping backend UP again", DEADLINE, () -> flappingBackend.state() == BackendState.UP);
        assertThat(balancer.backends().healthy()).hasSize(2);
    }

    @Test
    void singleFailureDoesNotTakeBackendDown() throws Exception {
        Await.until("two successful probes", DEADLINE, () -> flapping.received("/health").size() >= 2);
        int before = flapping.received("/health").size();

        flapping.setHealthy(false);
        Await.until("one failed probe", DEADLINE, () -> lastProbe() != null && !lastProbe().ok());
        flapping.setHealthy(true);
        Await.until("a later successful probe", DEADLINE,
                () -> flapping.received("/health").size() > before + 2 && lastProbe().ok());

        assertThat(flappingBackend.state()).isEqualTo(BackendState.UP);
    }

    @Test
    void closedBackendGoesDownWithConnectError() throws Exception {
        Await.until("a first probe result", DEADLINE, () -> lastProbe() != null);

        flapping.close();

        Await.until("the closed backend DOWN", DEADLINE, () -> flappingBackend.state() == BackendState.DOWN);
        assertThat(lastProbe().ok()).isFalse();
        assertThat(lastProbe().status()).isZero();
        assertThat(lastProbe().error()).isNotBlank();
    }

    @Test
    void firstFailedProbeTakesBackendDown() throws Exception {
        try (FakeBackend sick = FakeBackend.start()) {
            sick.setHealthy(false);
            // With fall=3 and a 60 s interval, only the probe sent at startup can run within the deadline.
            BalancerServer other = TestBalancers.start(TestBalancers.config(sick)
                    .probesEnabled(true).probeIntervalMillis(60_000).fall(3));
            try {
                Backend backend = other.backends().all().get(0);
                Await.until("the sick backend DOWN", DEADLINE, () -> backend.state() == BackendState.DOWN);

                assertThat(sick.received("/health")).hasSize(1);
            } finally {
                other.stop();
            }
        }
    }

    @Test
    void failingBackendNeverEntersRotation() throws Exception {
        try (FakeBackend sick = FakeBackend.start()) {
            sick.setHealthy(false);
            BalancerServer other = TestBalancers.start(TestBalancers.config(sick)
                    .probesEnabled(true).probeIntervalMillis(60_000));
            try (TestHttpClient client = new TestHttpClient(other.port())) {
                Backend backend = other.backends().all().get(0);

                assertThat(backend.state()).isEqualTo(BackendState.DOWN);
                assertThat(other.prober().tracker(backend).lastProbe().status()).isEqualTo(503);
                assertThat(client.get("/anything").status()).isEqualTo(503);
                assertThat(sick.received("/anything")).isEmpty();
            } finally {
                other.stop();
            }
        }
    }

    @Test
    void healthyBackendIsUpWhenStartReturns() throws Exception {
        try (FakeBackend fresh = FakeBackend.start()) {
            BalancerServer other = TestBalancers.start(TestBalancers.config(fresh)
                    .probesEnabled(true).probeIntervalMillis(60_000));
            try (TestHttpClient client = new TestHttpClient(other.port())) {
                Backend backend = other.backends().all().get(0);

                assertThat(backend.state()).isEqualTo(BackendState.UP);
                assertThat(fresh.received("/health")).hasSize(1);
                assertThat(client.get("/anything").status()).isEqualTo(200);
            } finally {
                other.stop();
            }
        }
    }

    private ProbeResult lastProbe() {
        return balancer.prober().tracker(flappingBackend).lastProbe();
    }
}
