package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigia.balancer.selection.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadBalancingProxyTest {

    private FakeBackend first;
    private FakeBackend second;
    private BalancerServer balancer;

    @BeforeEach
    void startBackends() throws Exception {
        first = FakeBackend.start();
        second = FakeBackend.start();
    }

    @AfterEach
    void stop() {
        if (balancer != null) {
            balancer.stop();
        }
        first.close();
        second.close();
    }

    @Test
    void leastOutstandingAvoidsBackendWithSlowRequest() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(first, second)
                .loadBalancing(LoadBalancing.LEAST_OUTSTANDING));
        CompletableFuture<TestHttpClient.Response> slow = CompletableFuture.supplyAsync(() -> {
            try (TestHttpClient client = new TestHttpClient(balancer.port())) {
                return client.get("/slow?ms=3000");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Await.until("the slow request reaches a backend", Duration.ofSeconds(5),
                () -> first.received("/slow").size() + second.received("/slow").size() == 1);
        FakeBackend busy = first.received("/slow").isEmpty() ? second : first;
        FakeBackend idle = busy == first ? second : first;

        List<String> upstreams = new ArrayList<>();
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 6; i++) {
                upstreams.add(client.get("/fast").header("x-upstream-server"));
            }
        }

        assertThat(upstreams).containsOnly(idle.id());
        assertThat(slow.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        Await.until("every in-flight count returns to 0", Duration.ofSeconds(5),
                () -> balancer.backends().all().stream().allMatch(backend -> backend.inFlight() == 0));
    }

    @Test
    void weightedRoundRobinFollowsWeights() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(first.address().withWeight(3), second.address())
                .loadBalancing(LoadBalancing.WEIGHTED_ROUND_ROBIN));
        List<String> upstreams = new ArrayList<>();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 8; i++) {
                upstreams.add(client.get("/").header("x-upstream-server"));
            }
        }

        String a = first.id();
        String b = second.id();
        assertThat(upstreams).containsExactly(a, a, b, a, a, a, b, a);
        for (Backend backend : balancer.backends().all()) {
            assertThat(backend.inFlight()).as(backend.id()).isZero();
        }
    }
}
