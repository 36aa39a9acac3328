package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigia.core.testing.PrometheusText;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} after a known sequence of requests through a balancer with real fake backends. */
class MetricsEndpointTest {

    private FakeBackend first;
    private FakeBackend second;
    private BackendAddress refused;
    private BalancerServer balancer;
    /** Expected {@code vigia_requests_total}, keyed by "upstream method status_class". */
    private final Map<String, Integer> expectedRequests = new HashMap<>();
    /** Expected relayed {@code vigia_errors_total}, keyed by "bucket upstream". */
    private final Map<String, Integer> expectedRelayedErrors = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        first = FakeBackend.start();
        second = FakeBackend.start();
        refused = TestBalancers.closedPort();
        balancer = TestBalancers.start(TestBalancers.config(refused, first.address(), second.address())
                .responseTimeoutMillis(300));
    }

    @AfterEach
    void stop() {
        balancer.stop();
        first.close();
        second.close();
    }

    @Test
    void countsRequestsAndErrorsByUpstream() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 4; i++) {
                send(client, "GET", "/hello");
            }
            send(client, "GET", "/status/404");
            send(client, "GET", "/status/404");
            send(client, "POST", "/status/500");
            send(client, "DELETE", "/status/204");
            send(client, "HEAD", "/hello");
        }

        PrometheusText metrics = scrape(null);

        for (Map.Entry<String, Integer> expected : expectedRequests.entrySet()) {
            String[] key = expected.getKey().split(" ");
            assertThat(metrics.value("vigia_requests_total", "upstream", key[0], "method", key[1],
                    "status_class", key[2])).as(expected.getKey()).isEqualTo(expected.getValue().doubleValue());
        }
        assertThat(metrics.sum("vigia_requests_total")).isEqualTo(9.0);
        for (Map.Entry<String, Integer> expected : expectedRelayedErrors.entrySet()) {
            String[] key = expected.getKey().split(" ");
            assertThat(metrics.value("vigia_errors_total", "bucket", key[0], "upstream", key[1], "cause", ""))
                    .as(expected.getKey()).isEqualTo(expected.getValue().doubleValue());
        }
        assertThat(metrics.sum("vigia_errors_total")).isEqualTo(3.0);
        assertThat(metrics.value("vigia_retries_total", "reason", "connect_failed")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_retries_total", "reason", "reused_connection_closed")).isZero();
    }

    @Test
    void tracksBackendStateAndConnections() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 4; i++) {
                send(client, "GET", "/hello");
            }
        }
        Await.until("both backend connections back in their pools", Duration.ofSeconds(5), () ->
                scrapeUnchecked().sum("vigia_upstream_connections", "state", "idle") == 2.0);

        PrometheusText metrics = scrape(null);

        assertThat(metrics.value("vigia_backend_up", "upstream", refused.id())).isZero();
        assertThat(metrics.value("vigia_backend_up", "upstream", first.id())).isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_up", "upstream", second.id())).isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_state_changes_total", "upstream", refused.id(), "state", "down"))
                .isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_state_changes_total", "upstream", first.id(), "state", "down"))
                .isZero();
        assertThat(metrics.value("vigia_upstream_connections", "upstream", first.id(), "state", "idle"))
                .isEqualTo(1.0);
        assertThat(metrics.value("vigia_upstream_connections", "upstream", second.id(), "state", "idle"))
                .isEqualTo(1.0);
        assertThat(metrics.sum("vigia_upstream_connections", "state", "in_use")).isZero();
    }

    @Test
    void histogramsCountEveryProxiedResponse() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 6; i++) {
                send(client, "GET", "/hello");
            }
        }

        PrometheusText metrics = scrape(null);

        for (FakeBackend backend : List.of(first, second)) {
            double served = metrics.sum("vigia_requests_total", "upstream", backend.id());
            assertThat(served).isEqualTo(3.0);
            assertThat(metrics.value("vigia_request_duration_seconds_count", "upstream", backend.id()))
                    .isEqualTo(served);
            assertThat(metrics.value("vigia_request_duration_seconds_bucket", "upstream", backend.id(), "le", "+Inf"))
                    .isEqualTo(served);
            assertThat(metrics.value("vigia_upstream_duration_seconds_count", "upstream", backend.id()))
                    .isEqualTo(served);
            assertThat(metrics.value("vigia_request_duration_seconds_sum", "upstream", backend.id()))
                    .isGreaterThanOrEqualTo(metrics.value("vigia_upstream_duration_seconds_sum", "upstream",
                            backend.id()));
        }
        assertThat(metrics.value("vigia_request_duration_seconds_bucket", "upstream", first.id(), "le", "5.0E-5"))
                .isNotNull();
    }

    @Test
    void balancerMadeErrorsCarryTheirCause() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.get("/hello");
            TestHttpClient.Response timedOut = client.get("/hang");
            assertThat(timedOut.status()).isEqualTo(504);
            String hung = timedOut.header("X-Upstream-Server");

            PrometheusText metrics = scrape(null);

            assertThat(metrics.value("vigia_errors_total", "bucket", "504_GATEWAY_TIMEOUT", "upstream", hung,
                    "cause", "response_timeout")).isEqualTo(1.0);
            assertThat(metrics.value("vigia_requests_total", "upstream", hung, "method", "GET",
                    "status_class", "5xx")).isEqualTo(1.0);
            assertThat(metrics.value("vigia_upstream_duration_seconds_bucket", "upstream", hung, "le", "0.25"))
                    .isZero();
        }
    }

    @Test
    void malformedAndRejectedAdminRequestsAreErrorsWithoutUpstream() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET / NOT-HTTP\r\nHost: a\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(400);
        }
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.request("POST", "/metrics", "").status()).isEqualTo(405);
        }

        PrometheusText metrics = scrape(null);

        assertThat(metrics.value("vigia_errors_total", "bucket", "400_BAD_REQUEST", "upstream", "",
                "cause", "malformed_request")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_errors_total", "bucket", "405_METHOD_NOT_ALLOWED", "upstream", "",
                "cause", "")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_requests_total", "upstream", "", "method", "other", "status_class", "4xx"))
                .isEqualTo(1.0);
        assertThat(metrics.sum("vigia_requests_total")).isEqualTo(1.0);
        assertThat(metrics.sum("vigia_errors_total")).isEqualTo(balancer.monitor().totalErrors());
    }

    @Test
    void openMetricsWhenAccepted() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            send(client, "GET", "/hello");
            TestHttpClient.Response response = client.get("/metrics",
                    "Accept: application/openmetrics-text; version=1.0.0");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Content-Type"))
                    .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(response.text()).endsWith("# EOF\n");
            PrometheusText metrics = PrometheusText.parse(response.text());
            assertThat(metrics.comments()).contains("# TYPE vigia_requests counter",
                    "# TYPE vigia_request_duration_seconds histogram");
            assertThat(metrics.sum("vigia_requests_total")).isEqualTo(1.0);
        }
    }

    @Test
    void metricsIncludeJvmAndAreNeverProxied() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.get("/metrics");
            TestHttpClient.Response head = client.request("HEAD", "/metrics", null);

            assertThat(response.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.header("X-Upstream-Server")).isNull();
            assertThat(PrometheusText.parse(response.text()).sum("jvm_memory_used_bytes")).isPositive();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
        assertThat(first.received()).isEmpty();
        assertThat(second.received()).isEmpty();
    }

    /** Sends one request, checks it was proxied, and adds its outcome to the expected counts. */
    private void send(TestHttpClient client, String method, String target) throws Exception {
        TestHttpClient.Response response = client.request(method, target, method.equals("POST") ? "" : null);
        String upstream = response.header("X-Upstream-Server");
        assertThat(upstream).as("upstream of " + method + " " + target).isIn(first.id(), second.id());
        String statusClass = response.status() / 100 + "xx";
        expectedRequests.merge(upstream + " " + method + " " + statusClass, 1, Integer::sum);
        if (response.status() >= 400) {
            String bucket = response.status() == 404 ? "404_NOT_FOUND" : "500_INTERNAL_ERROR";
            expectedRelayedErrors.merge(bucket + " " + upstream, 1, Integer::sum);
        }
    }

    private PrometheusText scrape(String accept) throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = accept == null ? client.get("/metrics")
                    : client.get("/metrics", "Accept: " + accept);
            assertThat(response.status()).isEqualTo(200);
            return PrometheusText.parse(response.text());
        }
    }

    private PrometheusText scrapeUnchecked() {
        try {
            return scrape(null);
        } catch (Exception e) {
            throw new AssertionError("scrape failed", e);
        }
    }
}
