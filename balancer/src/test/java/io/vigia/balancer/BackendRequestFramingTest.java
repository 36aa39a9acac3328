package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Checks that every request reaches a backend as one complete HTTP message, also after a replay, so that the
 * pooled connection that carried it can carry the next request: the backend receives each request exactly once,
 * decodes it cleanly and keeps serving on the same connection.
 */
class BackendRequestFramingTest {

    private FakeBackend backend;
    private FakeBackend dying;
    private BalancerServer balancer;

    @AfterEach
    void stop() {
        if (balancer != null) {
            balancer.stop();
        }
        if (backend != null) {
            backend.close();
        }
        if (dying != null) {
            dying.close();
        }
    }

    @Test
    void bodylessAndBodyRequestsShareConnection() throws Exception {
        backend = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(backend).threads(1));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/one").status()).isEqualTo(200);
            assertThat(client.request("POST", "/count", "hello").status()).isEqualTo(200);
            assertThat(client.request("HEAD", "/two", null).status()).isEqualTo(200);
            assertThat(client.get("/three").status()).isEqualTo(200);
        }
        assertThat(backend.received()).extracting(FakeBackend.Received::uri)
                .containsExactly("/one", "/count", "/two", "/three");
        assertThat(backend.received("/count")).extracting(FakeBackend.Received::body).containsExactly("hello");
        assertThat(backend.acceptedConnections()).isEqualTo(1);
        assertThat(backend.malformedRequests()).isZero();
    }

    @Test
    void replayOnReusedConnectionLeavesNewOneReusable() throws Exception {
        backend = FakeBackend.start();
        AtomicBoolean dropped = new AtomicBoolean();
        // Closes the first connection when its second request arrives, so the replay's connection serves on.
        backend.dropRequests(requestNumber -> requestNumber == 2 && dropped.compareAndSet(false, true));
        balancer = TestBalancers.start(TestBalancers.config(backend).threads(1));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/one").status()).isEqualTo(200);
            assertThat(client.get("/two").status()).isEqualTo(200);
            assertThat(client.get("/three").status()).isEqualTo(200);
            assertThat(client.request("PUT", "/four", "body of four").status()).isEqualTo(200);
            assertThat(client.get("/five").status()).isEqualTo(200);
        }
        assertThat(backend.received("/two")).extracting(FakeBackend.Received::connection).containsExactly(1, 2);
        assertEachOnceOnConnection(backend, 2, "/three", "/four", "/five");
        assertThat(backend.received("/four")).extracting(FakeBackend.Received::body).containsExactly("body of four");
        assertThat(backend.acceptedConnections()).isEqualTo(2);
        assertThat(backend.malformedRequests()).isZero();
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void replayAfterNewConnectionDiesLeavesItReusable() throws Exception {
        startWithDyingFirstBackend();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (String path : List.of("/one", "/two", "/three", "/four", "/five", "/six")) {
                assertThat(client.get(path).status()).as("status of %s", path).isEqualTo(200);
            }
        }
        assertThat(dying.received("/one")).hasSize(1);
        assertThat(backend.received("/one")).hasSize(1);
        assertThat(backend.received()).hasSizeGreaterThanOrEqualTo(3);
        for (String path : List.of("/two", "/three", "/four", "/five", "/six")) {
            int seen = dying.received(path).size() + backend.received(path).size();
            assertThat(seen).as("times the backends saw %s", path).isEqualTo(1);
        }
        assertThat(backend.acceptedConnections()).isEqualTo(1);
        assertThat(backend.malformedRequests()).isZero();
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void replayAfterNewConnectionDiesResendsBody() throws Exception {
        startWithDyingFirstBackend();

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response replayed = client.request("PUT", "/orders/1", "payload");
            TestHttpClient.Response next = client.get("/next");

            assertThat(replayed.status()).isEqualTo(200);
            assertThat(next.status()).isEqualTo(200);
        }
        assertThat(dying.received("/orders/1")).extracting(FakeBackend.Received::body).containsExactly("payload");
        assertThat(backend.received("/orders/1")).extracting(FakeBackend.Received::body).containsExactly("payload");
        assertThat(backend.malformedRequests()).isZero();
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    /**
     * Starts two backends behind a one-loop balancer. The first in round-robin order closes the connection on
     * the very first request it receives and serves every later one.
     */
    private void startWithDyingFirstBackend() throws Exception {
        backend = FakeBackend.start();
        dying = FakeBackend.start();
        AtomicBoolean dropped = new AtomicBoolean();
        dying.dropRequests(requestNumber -> dropped.compareAndSet(false, true));
        balancer = TestBalancers.start(TestBalancers.config(dying, backend).threads(1));
    }

    private static void assertEachOnceOnConnection(FakeBackend target, int connection, String... paths) {
        for (String path : paths) {
            assertThat(target.received(path)).extracting(FakeBackend.Received::connection)
                    .as("connections that carried %s", path).containsExactly(connection);
        }
    }
}
