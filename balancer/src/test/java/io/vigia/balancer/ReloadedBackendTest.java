package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.balancer.config.ConfigFile;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendState;
import io.vigia.core.testing.PrometheusText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend that a configuration reload adds is counted, gauged, ejected and listed like one configured at
 * start, and one that a reload removes leaves the gauges and {@code /status}.
 */
class ReloadedBackendTest {

    private static final int EJECT_AFTER = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private FakeBackend original;
    private FakeBackend added;
    private Path file;
    private BalancerServer balancer;
    private ConfigReloader reloader;
    /** The backend that served the test's last request, which determines round robin's next pick. */
    private String lastUpstream;

    @BeforeEach
    void start() throws Exception {
        original = FakeBackend.start();
        added = FakeBackend.start();
        file = dir.resolve("vigia.yaml");
        writeBackends(original);
        balancer = new BalancerServer(load());
        reloader = new ConfigReloader(balancer, this::load);
        balancer.setReload(reloader);
        balancer.start();
    }

    @AfterEach
    void stop() {
        reloader.close();
        balancer.stop();
        original.close();
        added.close();
    }

    @Test
    void addedBackendIsCountedUnderItsOwnLabel() throws Exception {
        assertThat(reload(original, added).path("added").toString()).contains(added.id());
        List<String> upstreams = new ArrayList<>();
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 6; i++) {
                upstreams.add(send(client, "/hello").header("X-Upstream-Server"));
            }
            assertThat(sendTo(client, added, "/status/404", "/hello").status()).isEqualTo(404);
        }
        long servedByAdded = upstreams.stream().filter(added.id()::equals).count();
        Await.until("the connection to the added backend back in its pool", TIMEOUT, () ->
                scrapeUnchecked().sum("vigia_upstream_connections", "upstream", added.id(), "state", "idle") >= 1);

        PrometheusText metrics = scrape();

        assertThat(servedByAdded).isEqualTo(3);
        assertThat(metrics.value("vigia_requests_total", "upstream", added.id(), "method", "GET",
                "status_class", "2xx")).isEqualTo((double) added.received("/hello").size());
        assertThat(metrics.value("vigia_requests_total", "upstream", added.id(), "method", "GET",
                "status_class", "4xx")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_errors_total", "bucket", "404_NOT_FOUND", "upstream", added.id(),
                "cause", "")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_request_duration_seconds_count", "upstream", added.id()))
                .isEqualTo((double) added.received().size());
        assertThat(metrics.sum("vigia_requests_total", "upstream", "")).isZero();
        assertThat(metrics.value("vigia_backend_up", "upstream", added.id())).isEqualTo(1.0);
        assertThat(metrics.value("vigia_upstream_connections", "upstream", added.id(), "state", "in_use")).isZero();
        assertThat(statusOf(added)).isNotNull();
    }

    @Test
    void addedBackendIsEjectedAfterConsecutiveFailures() throws Exception {
        reload(original, added);
        Backend backend = backendOf(added);

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < EJECT_AFTER; i++) {
                assertThat(sendTo(client, added, "/status/500", "/hello").status()).isEqualTo(500);
            }
            assertThat(backend.state()).isEqualTo(BackendState.EJECTED);
            for (int i = 0; i < 4; i++) {
                assertThat(send(client, "/hello").header("X-Upstream-Server")).isEqualTo(original.id());
            }
        }

        assertThat(statusOf(added).path("state").asText()).isEqualTo("EJECTED");
        PrometheusText metrics = scrape();
        assertThat(metrics.value("vigia_backend_state_changes_total", "upstream", added.id(), "state", "ejected"))
                .isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_up", "upstream", added.id())).isZero();
    }

    @Test
    void removedBackendLeavesGaugesAndStatus() throws Exception {
        reload(original, added);
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            for (int i = 0; i < 4; i++) {
                client.get("/hello");
            }
        }
        assertThat(added.received()).isNotEmpty();

        assertThat(reload(original).path("removed").toString()).contains(added.id());

        Await.until("pooled connections to the removed backend close", TIMEOUT, () -> added.openConnections() == 0);
        PrometheusText metrics = scrape();
        assertThat(metrics.value("vigia_backend_up", "upstream", added.id())).isNull();
        assertThat(metrics.samples("vigia_upstream_connections")).noneMatch(
                sample -> added.id().equals(sample.labels().get("upstream")));
        assertThat(metrics.sum("vigia_requests_total", "upstream", added.id()))
                .as("counters keep what the removed backend served")
                .isEqualTo((double) added.received().size());
        assertThat(statusOf(added)).isNull();
    }

    /** Builds the test configuration under the file, as the command line does without options. */
    private BalancerConfig load() {
        BalancerConfig.Builder builder = TestBalancers.config(original).adminPort(0)
                .ejectAfterFailures(EJECT_AFTER).ejectBaseMillis(60_000).ejectMaxPercent(50);
        ConfigFile.read(file).applyTo(builder);
        return builder.build();
    }

    private void writeBackends(FakeBackend... backends) throws IOException {
        List<String> entries = new ArrayList<>();
        for (FakeBackend backend : backends) {
            entries.add("{address: \"" + backend.id() + "\"}");
        }
        Files.writeString(file, "backends: [" + String.join(", ", entries) + "]\n");
    }

    /** Rewrites the file with {@code backends}, reloads it and returns the reload summary. */
    private JsonNode reload(FakeBackend... backends) throws IOException {
        writeBackends(backends);
        try (TestHttpClient client = new TestHttpClient(balancer.adminAddress().getPort())) {
            TestHttpClient.Response response = client.request("POST", "/admin/reload", "");
            assertThat(response.status()).as("reload: %s", response.text()).isEqualTo(200);
            return response.json();
        }
    }

    /**
     * Sends {@code target} to {@code backend}: first {@code filler} when round robin would pick
     * {@code backend} after the last request, so that with two backends its next pick is {@code backend}.
     */
    private TestHttpClient.Response sendTo(TestHttpClient client, FakeBackend backend, String target,
                                           String filler) throws IOException {
        if (lastUpstream == null) {
            send(client, filler);
        }
        if (lastUpstream.equals(backend.id())) {
            send(client, filler);
        }
        TestHttpClient.Response response = send(client, target);
        assertThat(lastUpstream).as("upstream of %s", target).isEqualTo(backend.id());
        return response;
    }

    /** Sends {@code GET target} and remembers which backend served it. */
    private TestHttpClient.Response send(TestHttpClient client, String target) throws IOException {
        TestHttpClient.Response response = client.get(target);
        lastUpstream = response.header("X-Upstream-Server");
        return response;
    }

    private Backend backendOf(FakeBackend fake) {
        return balancer.backends().all().stream().filter(b -> b.id().equals(fake.id())).findFirst().orElseThrow();
    }

    /** Returns the {@code /status} entry of {@code fake}, or {@code null} when it is not listed. */
    private JsonNode statusOf(FakeBackend fake) throws IOException {
        try (TestHttpClient client = new TestHttpClient(balancer.adminAddress().getPort())) {
            for (JsonNode line : client.get("/status").json().path("backends")) {
                if (line.path("id").asText().equals(fake.id())) {
                    return line;
                }
            }
        }
        return null;
    }

    private PrometheusText scrape() throws IOException {
        try (TestHttpClient client = new TestHttpClient(balancer.adminAddress().getPort())) {
            TestHttpClient.Response response = client.get("/metrics");
            assertThat(response.status()).isEqualTo(200);
            return PrometheusText.parse(response.text());
        }
    }

    private PrometheusText scrapeUnchecked() {
        try {
            return scrape();
        } catch (IOException e) {
            throw new AssertionError("scrape failed", e);
        }
    }
}
