package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendState;
import io.vigia.core.testing.PrometheusText;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Passive ejection of a backend after consecutive failed responses, through a running balancer. */
class OutlierEjectionTest {

    private static final long BASE_MILLIS = 700;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private FakeBackend first;
    private FakeBackend second;
    private BalancerServer balancer;

    @BeforeEach
    void start() throws Exception {
        first = FakeBackend.start();
        second = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(first, second)
                .ejectAfterFailures(3).ejectBaseMillis(BASE_MILLIS).ejectMaxPercent(50));
    }

    @AfterEach
    void stop() {
        balancer.stop();
        first.close();
        second.close();
    }

    @Test
    void ejectsAfterConsecutiveFailuresAndReturns() throws Exception {
        Backend failing = balancer.backends().all().get(0);
        Backend healthy = balancer.backends().all().get(1);
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            sendUntilEjected(client, failing);

            assertThat(failing.state()).isEqualTo(BackendState.EJECTED);
            assertThat(healthy.state()).isEqualTo(BackendState.UP);
            assertThat(statusState(client, failing.id())).isEqualTo("EJECTED");
            for (int i = 0; i < 4; i++) {
                assertThat(client.get("/hello").header("X-Upstream-Server")).isEqualTo(healthy.id());
            }
        }
        long ejectedAtMillis = failing.stateSinceMillis();

        Await.until("the first ejection to end", TIMEOUT, failing::isUp);

        assertThat(failing.stateSinceMillis() - ejectedAtMillis).isGreaterThanOrEqualTo(BASE_MILLIS);
        PrometheusText metrics = scrape();
        assertThat(metrics.value("vigia_backend_state_changes_total", "upstream", failing.id(), "state", "ejected"))
                .isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_state_changes_total", "upstream", failing.id(), "state", "up"))
                .isEqualTo(1.0);
    }

    @Test
    void repeatedEjectionLastsLonger() throws Exception {
        Backend failing = balancer.backends().all().get(0);
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            sendUntilEjected(client, failing);
            Await.until("the first ejection to end", TIMEOUT, failing::isUp);
            sendUntilEjected(client, failing);
        }
        long ejectedAtMillis = failing.stateSinceMillis();

        Await.until("the second ejection to end", TIMEOUT, failing::isUp);

        assertThat(failing.stateSinceMillis() - ejectedAtMillis).isGreaterThanOrEqualTo(2 * BASE_MILLIS);
    }

    @Test
    void neverEjectsBeyondMaxShare() throws Exception {
        Backend firstBackend = balancer.backends().all().get(0);
        Backend secondBackend = balancer.backends().all().get(1);
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 12; i++) {
                assertThat(client.get("/status/503").status()).isEqualTo(503);
            }
        }

        assertThat(balancer.backends().healthy()).hasSize(1);
        assertThat(firstBackend.state() == BackendState.EJECTED ^ secondBackend.state() == BackendState.EJECTED)
                .as("exactly one backend ejected").isTrue();
    }

    @Test
    void successEndsTheFailureRun() throws Exception {
        Backend target = balancer.backends().all().get(0);
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 10; i++) {
                // Round robin alternates, so each backend receives 500, 200, 500, 200, ...
                String path = (i % 4 < 2) ? "/status/500" : "/hello";
                client.get(path);
            }
        }

        assertThat(target.state()).isEqualTo(BackendState.UP);
        assertThat(balancer.backends().healthy()).hasSize(2);
    }

    /**
     * Sends requests until {@code backend} is ejected: {@code /status/500} when round robin picks it next and
     * {@code /hello} when it picks the other backend, so only {@code backend} builds a run of failures.
     */
    private void sendUntilEjected(TestHttpClient client, Backend backend) throws Exception {
        String last = client.get("/hello").header("X-Upstream-Server");
        for (int i = 0; i < 20 && backend.state() != BackendState.EJECTED; i++) {
            boolean targetIsNext = !last.equals(backend.id());
            last = client.get(targetIsNext ? "/status/500" : "/hello").header("X-Upstream-Server");
        }
        assertThat(backend.state()).isEqualTo(BackendState.EJECTED);
    }

    private String statusState(TestHttpClient client, String backendId) throws Exception {
        for (JsonNode line : client.get("/status").json().get("backends")) {
            if (line.get("id").asText().equals(backendId)) {
                return line.get("state").asText();
            }
        }
        throw new AssertionError("backend " + backendId + " is missing from /status");
    }

    private PrometheusText scrape() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            return PrometheusText.parse(client.get("/metrics").text());
        }
    }
}
