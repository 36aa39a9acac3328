package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorRecord;
import io.vigia.core.testing.PrometheusText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The retry budget through a running balancer, with backends that refuse or drop connections. */
class RetryBudgetProxyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int CONCURRENT_CLIENTS = 16;

    private FakeBackend healthy;
    private FakeBackend dying;
    private BalancerServer balancer;

    @AfterEach
    void stop() {
        if (balancer != null) {
            balancer.stop();
        }
        if (healthy != null) {
            healthy.close();
        }
        if (dying != null) {
            dying.close();
        }
    }

    @Test
    void defaultBudgetRetriesRefusedConnection() throws Exception {
        healthy = FakeBackend.start();
        BackendAddress refused = TestBalancers.closedPort();
        balancer = TestBalancers.start(TestBalancers.config(refused, healthy.address()));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 2; i++) {
                assertThat(client.get("/item/" + i).status()).as("status of request %d", i).isEqualTo(200);
            }
        }

        PrometheusText metrics = scrape();
        assertThat(metrics.value("vigia_retries_total", "reason", "connect_failed")).isEqualTo(1.0);
        assertThat(metrics.sum("vigia_retry_budget_exhausted_total")).isZero();
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void zeroBudgetAnswersTheConnectError() throws Exception {
        healthy = FakeBackend.start();
        BackendAddress refused = TestBalancers.closedPort();
        balancer = TestBalancers.start(TestBalancers.config(refused, healthy.address())
                .retryBudgetPercent(0).retryMinConcurrency(0));

        List<TestHttpClient.Response> responses = new ArrayList<>();
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 3; i++) {
                responses.add(client.get("/item/" + i));
            }
        }

        List<TestHttpClient.Response> failed = responses.stream().filter(r -> r.status() != 200).toList();
        assertThat(failed).hasSize(1);
        TestHttpClient.Response refusal = failed.get(0);
        assertThat(refusal.status()).isEqualTo(502);
        assertThat(refusal.header("X-Upstream-Server")).isEqualTo(refused.id());
        assertThat(refusal.json().path("error").asText()).contains(refused.id(), "retry budget is exhausted");
        assertThat(healthy.received()).hasSize(2);
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.cause()).isEqualTo(ErrorCause.CONNECT_REFUSED);
        assertThat(record.upstream()).isEqualTo(refused.id());
        PrometheusText metrics = scrape();
        assertThat(metrics.value("vigia_retry_budget_exhausted_total", "reason", "connect_failed")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_retries_total", "reason", "connect_failed")).isZero();
        assertThat(metrics.value("vigia_errors_total", "bucket", "502_BAD_GATEWAY", "upstream", refused.id(),
                "cause", "connect_refused")).isEqualTo(1.0);
    }

    @Test
    void disabledRetriesAnswerTheConnectErrorUncounted() throws Exception {
        healthy = FakeBackend.start();
        BackendAddress refused = TestBalancers.closedPort();
        balancer = TestBalancers.start(TestBalancers.config(refused, healthy.address()).retryEnabled(false));

        List<Integer> statuses = new ArrayList<>();
        String message = null;
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 3; i++) {
                TestHttpClient.Response response = client.get("/item/" + i);
                statuses.add(response.status());
                if (response.status() != 200) {
                    message = response.json().path("error").asText();
                }
            }
        }

        assertThat(statuses).containsOnlyOnce(502).containsOnly(200, 502);
        assertThat(message).contains("retries are turned off");
        PrometheusText metrics = scrape();
        assertThat(metrics.sum("vigia_retries_total")).isZero();
        assertThat(metrics.sum("vigia_retry_budget_exhausted_total")).isZero();
    }

    @Test
    void zeroBudgetDoesNotReplayOnDeadConnection() throws Exception {
        healthy = FakeBackend.start();
        healthy.dropRequests(requestNumber -> requestNumber == 2);
        balancer = TestBalancers.start(TestBalancers.config(healthy).retryBudgetPercent(0).retryMinConcurrency(0));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/one").status()).isEqualTo(200);
            TestHttpClient.Response response = client.get("/two");

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.json().path("error").asText()).contains("retry budget is exhausted");
        }
        assertThat(healthy.received("/two")).hasSize(1);
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.cause()).isIn(ErrorCause.PREMATURE_CLOSE, ErrorCause.CONNECTION_RESET);
        assertThat(scrape().value("vigia_retry_budget_exhausted_total", "reason", "reused_connection_closed"))
                .isEqualTo(1.0);
    }

    /**
     * Sends {@link #CONCURRENT_CLIENTS} requests at once. About half reach a backend that drops every
     * connection and need a retry, which goes to a backend that holds every request until the test
     * releases it, so each granted retry stays in flight. With a budget of 0 % and a minimum of 3, exactly
     * three retries are granted and every other failed request gets its 502.
     */
    @Test
    void concurrentFailuresRetryOnlyWithinBudget() throws Exception {
        healthy = FakeBackend.start();
        dying = FakeBackend.start();
        dying.dropRequests(requestNumber -> true);
        balancer = TestBalancers.start(TestBalancers.config(dying, healthy).responseTimeoutMillis(30_000)
                .retryBudgetPercent(0).retryMinConcurrency(3));
        RetryBudget budget = balancer.retryBudget();
        ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT_CLIENTS);
        List<Future<Integer>> statuses = new ArrayList<>();

        try {
            for (int i = 0; i < CONCURRENT_CLIENTS; i++) {
                statuses.add(clients.submit(() -> {
                    try (TestHttpClient client = new TestHttpClient(balancer.port())) {
                        return client.get("/held").status();
                    }
                }));
            }
            Await.until("every request held or refused", TIMEOUT,
                    () -> healthy.heldCount() + balancer.monitor().count(502) == CONCURRENT_CLIENTS);
            int failedFirstAttempts = dying.received("/held").size();
            long refused = balancer.monitor().count(502);

            assertThat(failedFirstAttempts).as("requests that needed a retry").isGreaterThan(3);
            assertThat(budget.activeRetries()).isEqualTo(3);
            assertThat(refused).isEqualTo(failedFirstAttempts - 3);
            assertThat(healthy.heldCount()).isEqualTo(CONCURRENT_CLIENTS - failedFirstAttempts + 3);
            PrometheusText metrics = scrape();
            assertThat(metrics.value("vigia_retries_total", "reason", "reused_connection_closed")).isEqualTo(3.0);
            assertThat(metrics.value("vigia_retry_budget_exhausted_total", "reason", "reused_connection_closed"))
                    .isEqualTo((double) refused);

            healthy.releaseHeld();
            int ok = 0;
            for (Future<Integer> status : statuses) {
                if (status.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS) == 200) {
                    ok++;
                }
            }

            assertThat(ok).isEqualTo(CONCURRENT_CLIENTS - refused);
        } finally {
            healthy.releaseHeld();
            clients.shutdownNow();
        }
        Await.until("every request and retry handed back", TIMEOUT,
                () -> budget.activeRequests() == 0 && budget.activeRetries() == 0);
    }

    private PrometheusText scrape() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            return PrometheusText.parse(client.get("/metrics").text());
        }
    }
}
