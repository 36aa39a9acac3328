package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorRecord;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Backends that close or reset connections, and the replay of requests that found a pooled connection dead. */
class BackendFaultTest {

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
    void resetInChunkedBodyAbortsClient() throws Exception {
        startWithRawBackend((request, socket) -> {
            RawBackend.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            awaitQuietly(100);
            RawBackend.reset(socket);
        });

        assertClientAborted("/reset", "chunked body");
        assertOne502(ErrorCause.CONNECTION_RESET, "/reset");
    }

    @Test
    void closeInChunkedBodyAbortsClient() throws Exception {
        startWithRawBackend((request, socket) -> {
            RawBackend.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            socket.close();
        });

        assertClientAborted("/close", "chunked body");
        assertOne502(ErrorCause.PREMATURE_CLOSE, "/close");
    }

    @Test
    void resetInCloseDelimitedBodyAbortsClient() throws Exception {
        startWithRawBackend((request, socket) -> {
            RawBackend.write(socket, "HTTP/1.1 200 OK\r\n\r\npartial body");
            awaitQuietly(100);
            RawBackend.reset(socket);
        });

        assertClientAborted("/reset", "chunked body");
        assertOne502(ErrorCause.CONNECTION_RESET, "/reset");
    }

    @Test
    void resetBeforeResponseGets502() throws Exception {
        startWithRawBackend((request, socket) -> RawBackend.reset(socket));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response response = client.get("/reset");

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.json().get("error").asText()).contains("before sending a response");
        }
        assertOne502(ErrorCause.CONNECTION_RESET, "/reset");
    }

    @Test
    void replaysIdempotentRequestWithBody() throws Exception {
        startWithFakeBackend();
        fakeBackend.dropRequests(requestNumber -> requestNumber == 2);

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.request("PUT", "/orders/1", "first").status()).isEqualTo(200);
            TestHttpClient.Response replayed = client.request("PUT", "/orders/1", "second");

            assertThat(replayed.status()).isEqualTo(200);
        }
        assertThat(fakeBackend.received("/orders/1")).extracting(FakeBackend.Received::body)
                .containsExactly("first", "second", "second");
        assertThat(fakeBackend.acceptedConnections()).isEqualTo(2);
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void replaysChunkedIdempotentBody() throws Exception {
        startWithFakeBackend();
        fakeBackend.dropRequests(requestNumber -> requestNumber == 2);

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/warm").status()).isEqualTo(200);
            client.send("DELETE /orders/2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n");
            TestHttpClient.Response replayed = client.readResponse();

            assertThat(replayed.status()).isEqualTo(200);
        }
        assertThat(fakeBackend.received("/orders/2")).extracting(FakeBackend.Received::body)
                .containsExactly("abcdef", "abcdef");
    }

    @Test
    void doesNotReplayBodyOverReplayLimit() throws Exception {
        startWithFakeBackend();
        fakeBackend.dropRequests(requestNumber -> requestNumber == 2);
        String large = "x".repeat(ProxyExchange.MAX_REPLAY_BODY_BYTES + 1);

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.request("PUT", "/orders/3", "first").status()).isEqualTo(200);
            TestHttpClient.Response response = client.request("PUT", "/orders/3", large);

            assertThat(response.status()).isEqualTo(502);
        }
        assertThat(fakeBackend.received("/orders/3")).hasSize(2);
        assertThat(balancer.monitor().snapshot().recentErrors().get(0).cause())
                .isIn(ErrorCause.PREMATURE_CLOSE, ErrorCause.CONNECTION_RESET);
    }

    @Test
    void doesNotReplayPostWithBody() throws Exception {
        startWithFakeBackend();
        fakeBackend.dropRequests(requestNumber -> requestNumber == 2);

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.request("PATCH", "/orders/4", "first").status()).isEqualTo(200);
            TestHttpClient.Response response = client.request("PATCH", "/orders/4", "second");

            assertThat(response.status()).isEqualTo(502);
        }
        assertThat(fakeBackend.received("/orders/4")).extracting(FakeBackend.Received::body)
                .containsExactly("first", "second");
    }

    private void assertClientAborted(String target, String messagePart) throws IOException {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThatThrownBy(() -> client.get(target))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining(messagePart);
        }
    }

    private void assertOne502(ErrorCause cause, String path) throws InterruptedException {
        Await.until("one 502 recorded", Duration.ofSeconds(5), () -> balancer.monitor().count(502) == 1);
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.cause()).isEqualTo(cause);
        assertThat(record.path()).isEqualTo(path);
        assertThat(record.upstream()).isEqualTo(rawBackend.address().id());
        assertThat(balancer.monitor().totalErrors()).isEqualTo(1);
    }

    private void startWithFakeBackend() throws Exception {
        fakeBackend = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(fakeBackend));
    }

    private void startWithRawBackend(RawBackend.Script script) throws Exception {
        rawBackend = RawBackend.start(script);
        balancer = TestBalancers.start(TestBalancers.config(rawBackend.address()));
    }

    /** Lets the balancer relay what was written before the script resets the connection. */
    private static void awaitQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
