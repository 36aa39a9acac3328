package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    private FakeBackend backend;

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void stopLetsInFlightRequestFinish() throws Exception {
        backend = FakeBackend.start();
        BalancerServer balancer = TestBalancers.start(TestBalancers.config(backend));
        try (TestHttpClient busy = new TestHttpClient(balancer.port());
             TestHttpClient idle = new TestHttpClient(balancer.port())) {
            assertThat(idle.get("/warm").status()).isEqualTo(200);
            busy.sendRequest("GET", "/slow?ms=400", null);
            Await.until("the slow request at the backend", Duration.ofSeconds(5),
                    () -> !backend.received("/slow").isEmpty());

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(balancer::stop);
            TestHttpClient.Response response = busy.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(busy.isClosedByServer()).isTrue();
            assertThat(idle.isClosedByServer()).isTrue();
            stopping.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void stopClosesRequestsPastDrainTimeout() throws Exception {
        backend = FakeBackend.start();
        BalancerServer balancer = TestBalancers.start(TestBalancers.config(backend).drainTimeoutMillis(200));
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.sendRequest("GET", "/hang", null);
            Await.until("the request at the backend", Duration.ofSeconds(5),
                    () -> !backend.received("/hang").isEmpty());

            long startNanos = System.nanoTime();
            balancer.stop();

            assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(5));
            assertThat(client.isClosedByServer()).isTrue();
        }
    }
}
