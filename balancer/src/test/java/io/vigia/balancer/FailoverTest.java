package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendState;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorRecord;
import java.io.EOFException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FailoverTest {

    private FakeBackend backend;
    private BalancerServer balancer;

    @AfterEach
    void stop() {
        if (balancer != null) {
            balancer.stop();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void refusedBackendIsMarkedDownAndSkipped() throws Exception {
        backend = FakeBackend.start();
        BackendAddress closed = TestBalancers.closedPort();
        balancer = TestBalancers.start(TestBalancers.config(closed, backend.address()));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 10; i++) {
                TestHttpClient.Response response = client.get("/anything");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("X-Upstream-Server")).isEqualTo(backend.id());
            }
        }

        Backend refused = balancer.backends().all().get(0);
        assertThat(refused.state()).isEqualTo(BackendState.DOWN);
        assertThat(balancer.backends().healthy()).extracting(Backend::id).containsExactly(backend.id());
        assertThat(balancer.monitor().totalErrors()).isZero();
        assertThat(backend.received()).hasSize(10);
    }

    @Test
    void answers503WhenNoBackendIsLeft() throws Exception {
        balancer = TestBalancers.start(TestBalancers.config(TestBalancers.closedPort()));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response refused = client.get("/first");
            TestHttpClient.Response down = client.get("/second");

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("type").asText()).isEqualTo("503_SERVICE_UNAVAILABLE");
            assertThat(refused.json().get("error").asText()).startsWith("no healthy backend");
            assertThat(down.status()).isEqualTo(503);
        }
        assertThat(balancer.monitor().snapshot().errorTypes()).containsEntry("503_SERVICE_UNAVAILABLE", 2L);
        ErrorRecord last = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(last.cause()).isEqualTo(ErrorCause.NO_HEALTHY_BACKEND);
        assertThat(last.path()).isEqualTo("/second");
    }

    @Test
    void answers504WhenBackendNeverResponds() throws Exception {
        backend = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(backend).responseTimeoutMillis(300));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            long startNanos = System.nanoTime();
            TestHttpClient.Response response = client.get("/hang");
            long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;

            assertThat(response.status()).isEqualTo(504);
            assertThat(response.header("X-Upstream-Server")).isEqualTo(backend.id());
            assertThat(elapsedMillis).isBetween(250L, 3_000L);
            assertThat(client.get("/after").status()).isEqualTo(200);
        }
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.status()).isEqualTo(504);
        assertThat(record.cause()).isEqualTo(ErrorCause.RESPONSE_TIMEOUT);
        assertThat(record.upstream()).isEqualTo(backend.id());
    }

    @Test
    void abortsClientWhenBackendClosesMidBody() throws Exception {
        backend = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(backend));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThatThrownBy(() -> client.get("/truncate"))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("truncated");
        }
        Await.until("one 502 recorded", java.time.Duration.ofSeconds(5), () -> balancer.monitor().count(502) == 1);
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.cause()).isIn(ErrorCause.PREMATURE_CLOSE, ErrorCause.CONNECTION_RESET);
        assertThat(record.upstream()).isEqualTo(backend.id());
        assertThat(record.path()).isEqualTo("/truncate");
        assertThat(balancer.monitor().totalErrors()).isEqualTo(1);
    }

    @Test
    void retriesGetWhenReusedConnectionDies() throws Exception {
        backend = FakeBackend.start();
        backend.dropRequests(requestNumber -> requestNumber == 2);
        balancer = TestBalancers.start(TestBalancers.config(backend));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/one").status()).isEqualTo(200);
            TestHttpClient.Response retried = client.get("/two");

            assertThat(retried.status()).isEqualTo(200);
            assertThat(retried.text()).isEqualTo("hello from " + backend.id());
        }
        assertThat(backend.received("/two")).hasSize(2);
        assertThat(backend.acceptedConnections()).isEqualTo(2);
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void retriesGetOnOtherBackendWhenNewConnectionDies() throws Exception {
        backend = FakeBackend.start();
        try (FakeBackend dying = FakeBackend.start()) {
            dying.dropRequests(requestNumber -> true);
            balancer = TestBalancers.start(TestBalancers.config(dying.address(), backend.address()));

            try (TestHttpClient client = new TestHttpClient(balancer.port())) {
                for (int i = 0; i < 4; i++) {
                    TestHttpClient.Response response = client.get("/item/" + i);

                    assertThat(response.status()).as("status of request %d", i).isEqualTo(200);
                    assertThat(response.text()).isEqualTo("hello from " + backend.id());
                }
            }
            assertThat(dying.received()).isNotEmpty();
        }
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void doesNotReplayPost() throws Exception {
        backend = FakeBackend.start();
        backend.dropRequests(requestNumber -> requestNumber == 2);
        balancer = TestBalancers.start(TestBalancers.config(backend));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.request("POST", "/orders", "first").status()).isEqualTo(200);
            TestHttpClient.Response response = client.request("POST", "/orders", "second");

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.json().get("type").asText()).isEqualTo("502_BAD_GATEWAY");
        }
        assertThat(backend.received("/orders")).extracting(FakeBackend.Received::body)
                .containsExactly("first", "second");
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.cause()).isIn(ErrorCause.PREMATURE_CLOSE, ErrorCause.CONNECTION_RESET);
        assertThat(record.upstream()).isEqualTo(backend.id());
    }

    @Test
    void replaysGetAtMostOncePerBackend() throws Exception {
        backend = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(backend));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/warm").status()).isEqualTo(200);
            backend.dropRequests(requestNumber -> true);
            TestHttpClient.Response response = client.get("/doomed");

            assertThat(response.status()).isEqualTo(502);
        }
        assertThat(backend.received("/doomed")).hasSize(2);
        assertThat(backend.acceptedConnections()).isEqualTo(2);
    }

    @Test
    void releasesHeldBodyWithoutBackend() throws Exception {
        BackendAddress closed = TestBalancers.closedPort();
        balancer = TestBalancers.start(TestBalancers.config(closed));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello");
        }
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/after").status()).isEqualTo(503);
        }
    }
}
