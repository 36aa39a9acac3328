package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIGTERM to a balancer process: the listener closes at once, the request in flight still completes. */
class SigtermDrainTest {

    private FakeBackend backend;
    private BalancerProcess balancer;

    @BeforeEach
    void start() throws Exception {
        backend = FakeBackend.start();
        balancer = BalancerProcess.start(List.of("-Xmx128m"), "--backends", backend.id(), "--drain-timeout-ms",
                "15000", "--probe-interval-ms", "60000");
    }

    @AfterEach
    void stop() throws Exception {
        balancer.close();
        backend.close();
    }

    @Test
    void sigtermDrainsInFlightRequest() throws Exception {
        try (TestHttpClient busy = new TestHttpClient(balancer.port())) {
            busy.sendRequest("GET", "/slow?ms=2500", null);
            Await.until("the slow request at the backend", Duration.ofSeconds(5),
                    () -> !backend.received("/slow").isEmpty());

            balancer.terminate();
            Await.until("new connections refused", Duration.ofSeconds(5), this::refusesConnections);
            assertThat(balancer.process().isAlive()).as("balancer still draining").isTrue();
            TestHttpClient.Response response = busy.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).startsWith("slow from");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(busy.isClosedByServer()).isTrue();
        }
        // 143 is 128 + SIGTERM: the JVM reports the signal once its shutdown hooks have run.
        assertThat(balancer.awaitExit(Duration.ofSeconds(15))).isIn(0, 143);
        Await.until("the shutdown log line", Duration.ofSeconds(5),
                () -> balancer.output().stream().anyMatch(line -> line.contains("balancer stopped")));
    }

    private boolean refusesConnections() {
        try (Socket ignored = new Socket("127.0.0.1", balancer.port())) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
