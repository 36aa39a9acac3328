package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoundRobinProxyTest {

    private FakeBackend first;
    private FakeBackend second;
    private BalancerServer balancer;

    @BeforeEach
    void start() throws Exception {
        first = FakeBackend.start();
        second = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(first, second));
    }

    @AfterEach
    void stop() {
        balancer.stop();
        first.close();
        second.close();
    }

    @Test
    void alternatesBetweenBackends() throws Exception {
        List<String> upstreams = new ArrayList<>();
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 6; i++) {
                upstreams.add(client.get("/anything").header("X-Upstream-Server"));
            }
        }

        for (int i = 1; i < upstreams.size(); i++) {
            assertThat(upstreams.get(i)).as("request %d", i).isNotEqualTo(upstreams.get(i - 1));
        }
        assertThat(upstreams).containsOnly(first.id(), second.id());
    }

    @Test
    void reusesBackendConnectionsUnderKeepAlive() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 100; i++) {
                assertThat(client.get("/anything").status()).isEqualTo(200);
            }
        }

        assertThat(first.received()).hasSize(50);
        assertThat(second.received()).hasSize(50);
        assertThat(first.acceptedConnections()).isEqualTo(1);
        assertThat(second.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void countsRequestsPerBackend() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 4; i++) {
                client.get("/status/500");
            }
        }

        assertThat(balancer.backends().all()).allSatisfy(backend -> {
            assertThat(backend.requests()).isEqualTo(2);
            assertThat(backend.errors()).isEqualTo(2);
        });
        assertThat(balancer.monitor().count(500)).isEqualTo(4);
    }
}
