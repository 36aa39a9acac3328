package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Expect: 100-continue} on the endpoints the balancer serves itself, on the proxy port and on the admin
 * listener: a request they accept gets exactly one {@code 100 Continue} and, once its body is read, the final
 * response on a connection that stays usable. A request they reject gets the final 4xx without a
 * {@code 100 Continue} and the connection closes, because the client may never send the body.
 */
class LocalExpectContinueTest {

    private static final String EXPECT_HEAD = "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n";

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

    @Test
    void proxyPortEndpointsSendOneContinue() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(backend));

        for (String path : List.of("/status", "/errors/stats", "/metrics", "/health", "/dashboard",
                "/dashboard/snapshot", "/dashboard/app.js")) {
            assertOneContinueThenFinal(balancer.port(), path);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void adminPortEndpointsSendOneContinue() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(backend).adminPort(0));

        for (String path : List.of("/status", "/errors/stats", "/metrics", "/health", "/", "/dashboard",
                "/dashboard/snapshot")) {
            assertOneContinueThenFinal(balancer.adminAddress().getPort(), path);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void proxyPortRejectionSkipsContinue() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(backend));

        assertRejectedWithoutContinue(balancer.port(), "POST /status", 405);
        assertRejectedWithoutContinue(balancer.port(), "DELETE /errors/stats", 405);
        assertRejectedWithoutContinue(balancer.port(), "GET /admin/reload", 404);
        assertRejectedWithoutContinue(balancer.port(), "GET /dashboard/missing", 404);
        assertRejectedWithoutContinue(balancer.port(), "PUT /dashboard", 405);
        assertThat(balancer.monitor().count(405)).isEqualTo(3);
        assertThat(balancer.monitor().count(404)).isEqualTo(2);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void adminPortRejectionSkipsContinue() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(backend).adminPort(0));
        int adminPort = balancer.adminAddress().getPort();

        assertRejectedWithoutContinue(adminPort, "POST /status", 405);
        assertRejectedWithoutContinue(adminPort, "GET /nowhere", 404);
        assertRejectedWithoutContinue(adminPort, "GET /admin/reload", 405);
        assertRejectedWithoutContinue(adminPort, "POST /admin/reload", 409);
        assertRejectedWithoutContinue(adminPort, "GET /dashboard/missing", 404);
        assertRejectedWithoutContinue(adminPort, "POST /dashboard", 405);
    }

    @Test
    void proxyPortUnsupportedExpectationGets417() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(backend));

        assertExpectationFailed(balancer.port(), "/status");
        assertExpectationFailed(balancer.port(), "/dashboard");
        assertThat(balancer.monitor().count(417)).isEqualTo(2);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void adminPortUnsupportedExpectationGets417() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(backend).adminPort(0));

        assertExpectationFailed(balancer.adminAddress().getPort(), "/status");
        assertExpectationFailed(balancer.adminAddress().getPort(), "/dashboard");
    }

    @Test
    void http10ExpectationIsIgnored() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(backend));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /health HTTP/1.0\r\n" + EXPECT_HEAD + "hello");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().get("status").asText()).isEqualTo("ok");
        }
    }

    /**
     * Sends a GET with a five-byte body and {@code Expect: 100-continue}, the body only after the interim
     * response, then a plain GET on the same connection, which must get its own final response.
     */
    private static void assertOneContinueThenFinal(int port, String path) throws Exception {
        try (TestHttpClient client = new TestHttpClient(port)) {
            client.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n" + EXPECT_HEAD);
            TestHttpClient.Response interim = client.readResponse();
            client.send("hello");
            TestHttpClient.Response response = client.readResponse();
            TestHttpClient.Response next = client.get("/health");

            assertThat(interim.status()).as("interim response to %s", path).isEqualTo(100);
            assertThat(response.status()).as("final response to %s", path).isEqualTo(200);
            assertThat(response.header("Connection")).as("Connection of %s", path).isNull();
            assertThat(next.status()).as("response after %s", path).isEqualTo(200);
            assertThat(next.json().get("status").asText()).isEqualTo("ok");
        }
    }

    private static void assertExpectationFailed(int port, String path) throws Exception {
        try (TestHttpClient client = new TestHttpClient(port)) {
            client.send("GET " + path + " HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: teapot\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).as("status of %s", path).isEqualTo(417);
            assertThat(response.json().get("error").asText()).as("error of %s", path)
                    .isEqualTo("unsupported expectation \"teapot\": only 100-continue is supported");
            assertThat(response.header("Connection")).as("Connection of %s", path).isEqualTo("close");
            assertThat(client.isClosedByServer()).as("%s closed", path).isTrue();
        }
    }

    private static void assertRejectedWithoutContinue(int port, String requestLine, int status) throws Exception {
        try (TestHttpClient client = new TestHttpClient(port)) {
            client.send(requestLine + " HTTP/1.1\r\nHost: a\r\n" + EXPECT_HEAD);
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).as("status of %s", requestLine).isEqualTo(status);
            assertThat(response.header("Connection")).as("Connection of %s", requestLine).isEqualTo("close");
            assertThat(client.isClosedByServer()).as("%s closed", requestLine).isTrue();
        }
    }
}
