package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Message semantics through the balancer: interim responses, responses without a body, bodies ended by
 * the backend closing, HTTP/1.0 clients, request target forms.
 */
class HttpSemanticsTest {

    private FakeBackend fakeBackend;
    private RawBackend rawBackend;
    private BalancerServer balancer;

    @AfterEach
    void stop() throws IOException {
        if (balancer != null) {
            balancer.stop();
        }
        if (fakeBackend != null) {
            fakeBackend.close();
        }
        if (rawBackend != null) {
            rawBackend.close();
        }
    }

    @Test
    void expectContinueGetsExactlyOneInterim() throws Exception {
        startWithFakeBackend();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("PUT /count HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            TestHttpClient.Response interim = client.readResponse();
            client.send("hello");
            TestHttpClient.Response response = client.readResponse();
            TestHttpClient.Response next = client.get("/next");

            assertThat(interim.status()).isEqualTo(100);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).startsWith("5 ");
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.text()).startsWith("hello from");
        }
    }

    @Test
    void earlyFinalResponseToExpectClosesConnection() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(TestBalancers.closedPort()));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void interimResponsesReachHttp11ClientOnly() throws Exception {
        startWithRawBackend((request, socket) -> RawBackend.write(socket,
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/hints").status()).isEqualTo(100);
            TestHttpClient.Response hints = client.readResponse();
            TestHttpClient.Response last = client.readResponse();

            assertThat(hints.status()).isEqualTo(103);
            assertThat(hints.header("Link")).isEqualTo("</a.css>; rel=preload");
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.text()).isEqualTo("ok");
        }
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /hints HTTP/1.0\r\nHost: a\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("ok");
        }
    }

    @Test
    void bodylessResponsesKeepConnectionInSync() throws Exception {
        startWithRawBackend((request, socket) -> {
            switch (request.target()) {
                case "/204" -> RawBackend.write(socket, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n");
                case "/304" -> RawBackend.write(socket,
                        "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 5\r\n\r\n");
                case "/head" -> RawBackend.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
                default -> RawBackend.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter");
            }
        });

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response noContent = client.get("/204");
            TestHttpClient.Response notModified = client.get("/304");
            TestHttpClient.Response head = client.request("HEAD", "/head", null);
            TestHttpClient.Response after = client.get("/after");

            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.body()).isEmpty();
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("ETag")).isEqualTo("\"v1\"");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo("100");
            assertThat(after.text()).isEqualTo("after");
        }
    }

    @Test
    void closeDelimitedBodyIsRechunked() throws Exception {
        startWithRawBackend((request, socket) -> {
            RawBackend.write(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello ");
            RawBackend.write(socket, "until close");
            socket.close();
        });

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response first = client.get("/stream");
            TestHttpClient.Response second = client.get("/stream");

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(first.text()).isEqualTo("hello until close");
            assertThat(second.text()).isEqualTo("hello until close");
        }
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void closeDelimitedBodyReachesHttp10Client() throws Exception {
        startWithRawBackend((request, socket) -> {
            RawBackend.write(socket, "HTTP/1.1 200 OK\r\n\r\nhello until close");
            socket.close();
        });

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.header("Transfer-Encoding")).isNull();
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(response.text()).isEqualTo("hello until close");
        }
    }

    @Test
    void http10KeepAliveIsHonoured() throws Exception {
        startWithFakeBackend();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /one HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n");
            TestHttpClient.Response first = client.readResponse();
            client.send("GET /two HTTP/1.0\r\nHost: a\r\n\r\n");
            TestHttpClient.Response second = client.readResponse();

            assertThat(first.header("Connection")).isEqualTo("keep-alive");
            assertThat(first.header("Content-Length")).isNotNull();
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.header("Connection")).isEqualTo("close");
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertThat(fakeBackend.received("/two").get(0).header("Host")).isEqualTo("a");
    }

    @Test
    void http10WithoutHostIsForwarded() throws Exception {
        startWithFakeBackend();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /echo HTTP/1.0\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().get("headers").get("host").get(0).asText()).isEqualTo(fakeBackend.id());
        }
    }

    @Test
    void absoluteFormTargetUsesAuthorityAsHost() throws Exception {
        startWithFakeBackend();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET http://Example.test:8000/echo?x=1 HTTP/1.1\r\nHost: other.test\r\n\r\n");
            JsonNode echo = client.readResponse().json();
            client.send("GET https://example.test HTTP/1.1\r\nHost: other.test\r\n\r\n");
            TestHttpClient.Response root = client.readResponse();

            assertThat(echo.get("uri").asText()).isEqualTo("/echo?x=1");
            assertThat(echo.get("headers").get("host")).hasSize(1);
            assertThat(echo.get("headers").get("host").get(0).asText()).isEqualTo("Example.test:8000");
            assertThat(echo.get("headers").get("x-forwarded-host").get(0).asText()).isEqualTo("Example.test:8000");
            assertThat(root.status()).isEqualTo(200);
        }
        assertThat(fakeBackend.received().get(1).uri()).isEqualTo("/");
    }

    @Test
    void encodedTargetIsForwardedByteForByte() throws Exception {
        startWithFakeBackend();
        String target = "/a%2Fb/%7E%25/%E2%82%AC;p=1/..%2F?q=%20%2B&x=%2525&y=a+b&&z";

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get(target).status()).isEqualTo(200);
        }
        assertThat(fakeBackend.received().get(0).uri()).isEqualTo(target);
    }

    @Test
    void asteriskTargetIsForwardedForOptions() throws Exception {
        startWithFakeBackend();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.request("OPTIONS", "*", null).status()).isEqualTo(200);
        }
        assertThat(fakeBackend.received().get(0).uri()).isEqualTo("*");
    }

    @Test
    void pipelinedRequestsWithBodiesStayInOrder() throws Exception {
        startWithFakeBackend();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /slow?ms=200 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /count HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
                    + "HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /status/404 HTTP/1.1\r\nHost: a\r\n\r\n");

            assertThat(client.readResponse().text()).startsWith("3 ");
            assertThat(client.readResponse().text()).startsWith("slow from");
            assertThat(client.readResponse().text()).startsWith("2 ");
            assertThat(client.readResponse(true).status()).isEqualTo(200);
            assertThat(client.readResponse().status()).isEqualTo(404);
        }
    }

    private void startWithFakeBackend() throws Exception {
        fakeBackend = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(fakeBackend));
    }

    private void startWithRawBackend(RawBackend.Script script) throws Exception {
        rawBackend = RawBackend.start(script);
        balancer = TestBalancers.start(TestBalancers.config(rawBackend.address()));
    }
}
