package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MalformedRequestTest {

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
    void invalidVersionGets400AndClose() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET / NOT-HTTP\r\nHost: a\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(response.json().get("type").asText()).isEqualTo("400_BAD_REQUEST");
            assertThat(response.json().get("error").asText()).startsWith("malformed request: ");
            assertThat(client.isClosedByServer()).isTrue();
        }
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.bucket().name()).isEqualTo("400_BAD_REQUEST");
        assertThat(record.cause()).isEqualTo(ErrorCause.MALFORMED_REQUEST);
        assertThat(record.message()).isNotBlank();
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void garbageRequestLineGetsClearMessage() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GARBAGE\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).isEqualTo("malformed request line \"GARBAGE\": expected"
                    + " a method, a request target and the HTTP version separated by single spaces,"
                    + " as in \"GET / HTTP/1.1\"");
            assertThat(client.isClosedByServer()).isTrue();
        }
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.status()).isEqualTo(400);
        assertThat(record.cause()).isEqualTo(ErrorCause.MALFORMED_REQUEST);
        assertThat(record.message()).startsWith("malformed request line \"GARBAGE\": expected a method");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void requestLineShapesGetClearMessages() throws Exception {
        String[][] cases = {
                {"GARBAGE HTTP/1.1\r\nHost: a\r\n\r\n", "\"GARBAGE HTTP/1.1\": expected a method"},
                {"GET  HTTP/1.1\r\nHost: a\r\n\r\n", "\"GET  HTTP/1.1\": expected a method"},
                {" / HTTP/1.1\r\nHost: a\r\n\r\n", "\" / HTTP/1.1\": expected a method"},
                {"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", "\"GET /a b HTTP/1.1\": expected a method"},
                {"GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", "\"GET / HTTP/1.1 extra\": expected a method"},
                {"GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", "\"GET?/ HTTP/1.1\": invalid character 0x09 in the method"},
                {"G@T / HTTP/1.1\r\nHost: a\r\n\r\n", "\"G@T / HTTP/1.1\": invalid character 0x40 in the method"},
                {"GET /\u0001 HTTP/1.1\r\nHost: a\r\n\r\n",
                        "\"GET /? HTTP/1.1\": invalid character 0x01 in the request target"},
                {"GET /" + "a".repeat(300) + " x HTTP/1.1\r\nHost: a\r\n\r\n",
                        "\"GET /" + "a".repeat(59) + "...\": expected a method"},
        };
        for (String[] shape : cases) {
            try (TestHttpClient client = new TestHttpClient(balancer.port())) {
                client.send(shape[0]);
                TestHttpClient.Response response = client.readResponse();

                assertThat(response.status()).as("status for %s", shape[0]).isEqualTo(400);
                assertThat(response.json().get("error").asText()).as("message for %s", shape[0])
                        .isEqualTo("malformed request line " + shape[1]
                                + (shape[1].endsWith("expected a method") ? ", a request target and the HTTP version"
                                + " separated by single spaces, as in \"GET / HTTP/1.1\"" : ""));
            }
        }
        assertThat(balancer.monitor().count(400)).isEqualTo(cases.length);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void invalidChunkSizeAbortsForwardedRequest() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertThat(balancer.monitor().count(400)).isEqualTo(1);
        assertThat(balancer.monitor().snapshot().recentErrors().get(0).path()).isEqualTo("/echo");
    }

    @Test
    void oversizedHeaderGets431() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(431);
            assertThat(client.isClosedByServer()).isTrue();
        }
    }
}
