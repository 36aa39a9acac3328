package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vigia.core.testing.PrometheusText;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

    private FakeBackend backend;
    private BalancerServer balancer;

    @BeforeEach
    void startBackend() throws Exception {
        backend = FakeBackend.start();
    }

    @AfterEach
    void stop() {
        if (balancer != null) {
            balancer.stop();
        }
        backend.close();
    }

    private int startWithAdmin() throws BalancerStartException {
        balancer = TestBalancers.start(TestBalancers.config(backend).adminPort(0));
        return balancer.adminAddress().getPort();
    }

    @Test
    void adminPortServesAdminPathsAndDashboard() throws Exception {
        int adminPort = startWithAdmin();

        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            TestHttpClient.Response status = client.get("/status");
            TestHttpClient.Response stats = client.get("/errors/stats");
            TestHttpClient.Response health = client.get("/health?verbose=1");
            TestHttpClient.Response root = client.get("/", "Accept: text/html");
            TestHttpClient.Response dashboard = client.get("/dashboard/snapshot");

            assertThat(status.status()).isEqualTo(200);
            assertThat(status.json().path("backends").get(0).path("id").asText()).isEqualTo(backend.id());
            assertThat(stats.json().has("total_errors")).isTrue();
            assertThat(health.json().path("status").asText()).isEqualTo("ok");
            assertThat(root.status()).isEqualTo(200);
            assertThat(root.header("content-type")).startsWith("text/html");
            assertThat(dashboard.status()).isEqualTo(200);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void proxyPortForwardsAdminPathsWhenAdminPortIsSet() throws Exception {
        startWithAdmin();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response status = client.get("/status");
            TestHttpClient.Response dashboard = client.get("/dashboard");
            TestHttpClient.Response reload = client.request("POST", "/admin/reload", "");

            assertThat(status.text()).isEqualTo("hello from " + backend.id());
            assertThat(dashboard.text()).isEqualTo("hello from " + backend.id());
            assertThat(reload.status()).isEqualTo(200);
        }
        assertThat(backend.received()).extracting(FakeBackend.Received::uri)
                .containsExactly("/status", "/dashboard", "/admin/reload");
    }

    @Test
    void unknownAdminPathIs404() throws Exception {
        int adminPort = startWithAdmin();

        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            TestHttpClient.Response response = client.get("/nothing-here");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json().path("error").asText()).contains("/nothing-here");
        }
    }

    @Test
    void reloadRejectsGetWith405() throws Exception {
        int adminPort = startWithAdmin();

        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            TestHttpClient.Response response = client.get("/admin/reload");

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).isEqualTo("POST");
        }
    }

    @Test
    void reloadWithoutConfigFileIs409() throws Exception {
        int adminPort = startWithAdmin();

        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            TestHttpClient.Response response = client.request("POST", "/admin/reload", "");

            assertThat(response.status()).isEqualTo(409);
            assertThat(response.json().path("error").asText()).contains("--config");
        }
    }

    @Test
    void addedRouteIsServed() throws Exception {
        int adminPort = startWithAdmin();
        balancer.adminServer().addRoute("/metrics", request -> new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK, Unpooled.copiedBuffer("up 1\n", StandardCharsets.UTF_8)));

        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            TestHttpClient.Response response = client.request("GET", "/metrics", null, "Connection: close");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("up 1\n");
        }
    }

    @Test
    void oversizedExpectContinueGetsJson413AndClose() throws Exception {
        int adminPort = startWithAdmin();
        balancer.adminServer().addRoute("/upload", request -> new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK));

        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            client.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 70000\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(response.json().path("type").asText()).isEqualTo("413_CONTENT_TOO_LARGE");
            assertThat(response.json().path("error").asText()).isEqualTo(
                    "request body too large: Content-Length 70000 exceeds the admin listener's maximum of 65536 bytes");
            // The balancer reads and drops a body sent anyway, instead of resetting, and then closes.
            client.send("x".repeat(16 * 1024));
            assertThat(client.isClosedByServer()).isTrue();
        }
        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            PrometheusText metrics = PrometheusText.parse(client.get("/metrics").text());
            assertThat(metrics.value("vigia_admin_errors_total", "bucket", "413_CONTENT_TOO_LARGE")).isEqualTo(1.0);
        }
    }

    @Test
    void adminErrorsAreCountedApartFromProxiedErrors() throws Exception {
        int adminPort = startWithAdmin();

        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            assertThat(client.get("/nothing-here").status()).isEqualTo(404);
            assertThat(client.get("/admin/reload").status()).isEqualTo(405);
            assertThat(client.request("POST", "/status", "").status()).isEqualTo(405);
            assertThat(client.request("POST", "/admin/reload", "").status()).isEqualTo(409);
        }
        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            client.send("GET / NOT-HTTP\r\nHost: a\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(400);
        }
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/status/503").status()).isEqualTo(503);
        }

        PrometheusText metrics;
        try (TestHttpClient client = new TestHttpClient(adminPort)) {
            metrics = PrometheusText.parse(client.get("/metrics").text());
            assertThat(client.get("/errors/stats").json().path("total_errors").asLong()).isEqualTo(1);
        }
        assertThat(metrics.value("vigia_admin_errors_total", "bucket", "404_NOT_FOUND")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_admin_errors_total", "bucket", "405_METHOD_NOT_ALLOWED")).isEqualTo(2.0);
        assertThat(metrics.value("vigia_admin_errors_total", "bucket", "409_CONFLICT")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_admin_errors_total", "bucket", "400_BAD_REQUEST")).isEqualTo(1.0);
        assertThat(metrics.sum("vigia_errors_total")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_errors_total", "bucket", "503_SERVICE_UNAVAILABLE", "upstream", backend.id(),
                "cause", "")).isEqualTo(1.0);
        assertThat(balancer.monitor().totalErrors()).isEqualTo(1);
    }

    @Test
    void proxyPortAnswersReload404WithoutAdminPort() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(backend));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.request("POST", "/admin/reload", "");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json().path("error").asText()).contains("admin listener");
        }
        assertThat(backend.received()).isEmpty();
    }
}
