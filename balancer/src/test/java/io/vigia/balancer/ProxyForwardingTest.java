package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyForwardingTest {

    private FakeBackend backend;
    private BalancerServer balancer;

    @BeforeEach
    void start() throws Exception {
        backend = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(backend));
    }

    @AfterEach
    void stop() {
        balancer.stop();
        backend.close();
    }

    @Test
    void forwardsMethodTargetHeadersAndBody() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.request("PUT", "/echo?a=1&b=%20x&a=2", "payload bytes",
                    "X-Custom: one", "X-Custom: two", "Content-Type: text/plain");

            assertThat(response.status()).isEqualTo(200);
            JsonNode echo = response.json();
            assertThat(echo.get("method").asText()).isEqualTo("PUT");
            assertThat(echo.get("uri").asText()).isEqualTo("/echo?a=1&b=%20x&a=2");
            assertThat(echo.get("body").asText()).isEqualTo("payload bytes");
            assertThat(echo.get("headers").get("x-custom")).hasSize(2);
            assertThat(echo.get("headers").get("x-custom").get(1).asText()).isEqualTo("two");
            assertThat(echo.get("headers").get("host").get(0).asText()).isEqualTo("test.local");
            assertThat(echo.get("headers").get("content-type").get(0).asText()).isEqualTo("text/plain");
        }
    }

    @Test
    void setsForwardedHeaders() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            JsonNode headers = client.get("/echo", "X-Forwarded-For: 203.0.113.7").json().get("headers");

            assertThat(headers.get("x-forwarded-for")).hasSize(1);
            assertThat(headers.get("x-forwarded-for").get(0).asText()).isEqualTo("203.0.113.7, 127.0.0.1");
            assertThat(headers.get("x-forwarded-proto").get(0).asText()).isEqualTo("http");
            assertThat(headers.get("x-forwarded-host").get(0).asText()).isEqualTo("test.local");
        }
    }

    @Test
    void removesHopByHopRequestHeaders() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.get("/echo", "Connection: keep-alive, X-Private-Hop", "X-Private-Hop: secret",
                    "Keep-Alive: timeout=9", "Proxy-Connection: keep-alive", "TE: trailers",
                    "Proxy-Authorization: Basic Zm9vOmJhcg==", "Upgrade: websocket", "X-Kept: yes");

            FakeBackend.Received received = backend.received("/echo").get(0);
            assertThat(received.headerNames()).doesNotContain("connection", "x-private-hop", "keep-alive",
                    "proxy-connection", "te", "proxy-authorization", "upgrade", "transfer-encoding");
            assertThat(received.header("X-Kept")).isEqualTo("yes");
        }
    }

    @Test
    void rewritesResponseHeaders() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.get("/echo");

            assertThat(response.header("X-Hop-Secret")).isNull();
            assertThat(response.header("Keep-Alive")).isNull();
            assertThat(response.header("Proxy-Authenticate")).isNull();
            assertThat(response.header("Connection")).isNull();
            assertThat(response.header("X-Backend")).isEqualTo(backend.id());
            assertThat(response.header("X-Upstream-Server")).isEqualTo(backend.id());
        }
    }

    @Test
    void forwardsChunkedRequestBody() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /echo HTTP/1.1\r\nHost: test.local\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().get("body").asText()).isEqualTo("hello world");
        }
    }

    @Test
    void reframesChunkedResponse() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.get("/chunked");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(response.text()).isEqualTo("alpha-beta-gamma");
        }
    }

    @Test
    void relaysHeadWithoutBody() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response head = client.request("HEAD", "/anything", null);
            TestHttpClient.Response next = client.get("/anything");

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(next.text()).isEqualTo("hello from " + backend.id());
        }
    }

    @Test
    void relaysBackendErrorAndRecordsUpstream() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.get("/status/404");

            assertThat(response.status()).isEqualTo(404);
            assertThat(balancer.monitor().count(404)).isEqualTo(1);
            assertThat(balancer.monitor().snapshot().recentErrors().get(0).upstream()).isEqualTo(backend.id());
            assertThat(balancer.backends().all().get(0).errors()).isEqualTo(1);
        }
    }

    @Test
    void answersHttp10ClientAndCloses() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /chunked HTTP/1.0\r\nHost: test.local\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Transfer-Encoding")).isNull();
            assertThat(response.text()).isEqualTo("alpha-beta-gamma");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /slow?ms=100 HTTP/1.1\r\nHost: a\r\n\r\nGET /status/201 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /health HTTP/1.1\r\nHost: a\r\n\r\n");

            assertThat(client.readResponse().text()).startsWith("slow from");
            assertThat(client.readResponse().status()).isEqualTo(201);
            assertThat(client.readResponse().json().get("total_backends").asInt()).isEqualTo(1);
        }
    }
}
