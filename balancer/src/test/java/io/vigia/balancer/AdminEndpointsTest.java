package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminEndpointsTest {

    private FakeBackend backend;
    private BalancerServer balancer;
    private BackendAddress closed;

    @BeforeEach
    void start() throws Exception {
        backend = FakeBackend.start();
        closed = TestBalancers.closedPort();
        balancer = TestBalancers.start(TestBalancers.config(backend.address(), closed));
    }

    @AfterEach
    void stop() {
        balancer.stop();
        backend.close();
    }

    @Test
    void healthCountsHealthyBackends() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            JsonNode health = client.get("/health").json();

            assertThat(health.get("status").asText()).isEqualTo("ok");
            assertThat(health.get("healthy_backends").asInt()).isEqualTo(2);
            assertThat(health.get("total_backends").asInt()).isEqualTo(2);
        }
        assertThat(backend.received("/health")).isEmpty();
    }

    @Test
    void healthIsDegradedWithoutBackends() throws Exception {
        balancer.prober().markDown(balancer.backends().all().get(0), "test");
        balancer.prober().markDown(balancer.backends().all().get(1), "test");

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.get("/health");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().get("status").asText()).isEqualTo("degraded");
            assertThat(response.json().get("healthy_backends").asInt()).isZero();
        }
    }

    @Test
    void statusReportsEveryBackendAsJson() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.get("/one");
            client.get("/two");
            client.get("/status/500");
            TestHttpClient.Response response = client.get("/status?verbose=1", "Accept: */*");

            assertThat(response.header("Content-Type")).startsWith("application/json");
            JsonNode status = response.json();
            assertThat(status.get("listen").asText()).isEqualTo("127.0.0.1:" + balancer.port());
            assertThat(Instant.parse(status.get("started_at").asText())).isBefore(Instant.now().plusSeconds(1));
            assertThat(status.get("uptime_seconds").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(status.get("total_errors").asLong()).isEqualTo(1);

            JsonNode live = status.get("backends").get(0);
            assertThat(live.get("id").asText()).isEqualTo(backend.id());
            assertThat(live.get("state").asText()).isEqualTo("UP");
            assertThat(live.get("requests").asLong()).isEqualTo(3);
            assertThat(live.get("errors").asLong()).isEqualTo(1);
            assertThat(live.get("last_probe").isNull()).isTrue();
            Instant.parse(live.get("since").asText());

            JsonNode dead = status.get("backends").get(1);
            assertThat(dead.get("id").asText()).isEqualTo(closed.id());
            assertThat(dead.get("state").asText()).isEqualTo("DOWN");
        }
    }

    @Test
    void statusRendersSpanishHtmlForBrowsers() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.get("/status",
                    "Accept: text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language: es-ES,es;q=0.9,en;q=0.5");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/html");
            assertThat(response.header("Content-Language")).isEqualTo("es");
            assertThat(response.text())
                    .contains("<html lang=\"es\">")
                    .contains("Estado del balanceador")
                    .contains("<td>" + backend.id() + "</td>")
                    .contains("Peticiones");
        }
    }

    @Test
    void statusRendersEnglishHtmlByDefault() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            String page = client.get("/status", "Accept: text/html").text();

            assertThat(page).contains("<html lang=\"en\">").contains("Requests").doesNotContain("Peticiones");
        }
    }

    @Test
    void errorStatsListsBalancerAndBackendErrors() throws Exception {
        balancer.prober().markDown(balancer.backends().all().get(0), "test");
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.get("/missing");
            JsonNode stats = client.get("/errors/stats").json();

            assertThat(stats.get("total_errors").asLong()).isEqualTo(1);
            assertThat(stats.get("error_types").get("503_SERVICE_UNAVAILABLE").asLong()).isEqualTo(1);
            JsonNode recent = stats.get("recent_errors").get(0);
            assertThat(recent.get("endpoint").asText()).isEqualTo("/missing");
            assertThat(recent.get("cause").asText()).isEqualTo("no_healthy_backend");
        }
    }

    @Test
    void rejectsOtherMethodsOnReservedPaths() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.request("POST", "/status", "{}");

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("Allow")).isEqualTo("GET, HEAD");
            assertThat(client.get("/health").status()).isEqualTo(200);
        }
        assertThat(backend.received()).isEmpty();
        assertThat(balancer.monitor().count(405)).isEqualTo(1);
    }

    @Test
    void dashboardIsServedBesideTheProxy() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.get("/status/404");
            TestHttpClient.Response page = client.get("/dashboard", "Accept-Language: es-CL,es;q=0.9");
            TestHttpClient.Response snapshot = client.get("/dashboard/snapshot");

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.text()).contains("lang=\"es\"");
            JsonNode json = snapshot.json();
            assertThat(json.get("status").get("backends").get(0).get("id").asText()).isEqualTo(backend.id());
            assertThat(json.get("errors").get("error_types").get("404_NOT_FOUND").asLong()).isEqualTo(1);
        }
        assertThat(backend.received("/dashboard")).isEmpty();
        assertThat(backend.received("/dashboard/snapshot")).isEmpty();
    }
}
