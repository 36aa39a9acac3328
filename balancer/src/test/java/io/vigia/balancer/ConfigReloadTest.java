package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.balancer.config.ConfigFile;
import io.vigia.balancer.selection.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloadTest {

    @TempDir
    Path dir;

    private FakeBackend a;
    private FakeBackend b;
    private Path file;
    private BalancerServer balancer;
    private ConfigReloader reloader;

    /** One request of the load: when it started, its status and the backend that served it. */
    private record Sample(long startNanos, int status, String upstream) {
    }

    @BeforeEach
    void start() throws Exception {
        a = FakeBackend.start();
        b = FakeBackend.start();
        file = dir.resolve("vigia.yaml");
        writeBackends(a.id() + "\"}");
        balancer = new BalancerServer(load());
        reloader = new ConfigReloader(balancer, this::load);
        balancer.setReload(reloader);
        balancer.start();
    }

    @AfterEach
    void stop() {
        reloader.close();
        balancer.stop();
        a.close();
        b.close();
    }

    /** Builds the test configuration under the file, as the command line does without options. */
    private BalancerConfig load() {
        BalancerConfig.Builder builder = TestBalancers.config(a).adminPort(0);
        ConfigFile.read(file).applyTo(builder);
        return builder.build();
    }

    private void writeBackends(String entries) throws IOException {
        Files.writeString(file, "backends: [{address: \"" + entries + "]\n");
    }

    private TestHttpClient.Response postReload() throws IOException {
        try (TestHttpClient client = new TestHttpClient(balancer.adminAddress().getPort())) {
            return client.request("POST", "/admin/reload", "");
        }
    }

    @Test
    void reloadUnderLoadMovesTrafficWithoutFailures() throws Exception {
        AtomicBoolean stopLoad = new AtomicBoolean();
        AtomicLong reloadedAtNanos = new AtomicLong(Long.MAX_VALUE);
        List<Sample> samples = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            load.add(clients.submit(() -> {
                try (TestHttpClient client = new TestHttpClient(balancer.port())) {
                    for (int i = 0; i < 3_000 && !stopLoad.get(); i++) {
                        long startNanos = System.nanoTime();
                        TestHttpClient.Response response = client.get("/work");
                        samples.add(new Sample(startNanos, response.status(), response.header("x-upstream-server")));
                    }
                }
                return null;
            }));
        }
        Await.until("load reaches backend A", Duration.ofSeconds(10), () -> a.received("/work").size() >= 50);

        writeBackends(b.id() + "\"}");
        TestHttpClient.Response reload = postReload();
        reloadedAtNanos.set(System.nanoTime());
        int bBefore = b.received("/work").size();
        Await.until("load reaches backend B", Duration.ofSeconds(10), () -> b.received("/work").size() >= bBefore + 50);
        stopLoad.set(true);
        for (Future<?> future : load) {
            future.get(30, TimeUnit.SECONDS);
        }
        clients.shutdownNow();

        assertThat(reload.status()).isEqualTo(200);
        assertThat(reload.json().path("added").toString()).contains(b.id());
        assertThat(reload.json().path("removed").toString()).contains(a.id());
        assertThat(samples).allSatisfy(sample -> assertThat(sample.status()).isEqualTo(200));
        assertThat(samples).filteredOn(sample -> sample.startNanos() > reloadedAtNanos.get())
                .isNotEmpty()
                .allSatisfy(sample -> assertThat(sample.upstream()).isEqualTo(b.id()));
        assertThat(balancer.backends().all()).extracting(Backend::id).containsExactly(b.id());
        Await.until("pooled connections to A close", Duration.ofSeconds(5), () -> a.openConnections() == 0);
        assertThat(a.acceptedConnections()).isPositive();
    }

    @Test
    void signalDuringStartWaitsForStart() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        ConfigReloader early = new ConfigReloader(balancer, () -> {
            loads.incrementAndGet();
            return load();
        });
        try {
            writeBackends(a.id() + "\"}, {address: \"" + b.id() + "\"}");

            // Two SIGHUPs while the balancer starts: nothing is read yet, then one reload applies both.
            early.onSignal();
            early.onSignal();
            assertThat(loads).hasValue(0);
            early.markStarted();

            Await.until("the reload after the start", Duration.ofSeconds(5),
                    () -> balancer.backends().all().size() == 2);
            assertThat(loads).hasValue(1);
        } finally {
            early.close();
        }
    }

    @Test
    void reloadKeepsStateOfUnchangedBackendAndUpdatesWeight() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.get("/one");
        }
        Backend before = balancer.backends().all().get(0);
        Files.writeString(file, "backends: [{address: \"" + a.id() + "\", weight: 4}, {address: \"" + b.id()
                + "\"}]\nload-balancing: weighted-round-robin\nhealth-check: {path: /ready}\n"
                + "timeouts: {response-ms: 1234}\n");

        TestHttpClient.Response reload = postReload();

        JsonNode body = reload.json();
        assertThat(reload.status()).isEqualTo(200);
        assertThat(body.path("weights_changed").toString()).contains(a.id() + " 1 -> 4");
        assertThat(body.path("health_check_changed").asBoolean()).isTrue();
        assertThat(body.path("load_balancing").asText()).isEqualTo("weighted-round-robin");
        assertThat(body.path("restart_required").toString()).contains("timeouts.response-ms");
        assertThat(balancer.backends().all().get(0)).isSameAs(before);
        assertThat(before.weight()).isEqualTo(4);
        assertThat(before.requests()).isEqualTo(1);
        assertThat(balancer.prober().settings().path()).isEqualTo("/ready");
        assertThat(balancer.prober().tracker(balancer.backends().all().get(1))).isNotNull();
    }

    @Test
    void reloadAppliesRetrySettings() throws Exception {
        Files.writeString(file, "backends: [{address: \"" + a.id() + "\"}]\n"
                + "retry: {enabled: false, budget-percent: 50, min-concurrency: 0}\n");

        TestHttpClient.Response reload = postReload();

        assertThat(reload.status()).isEqualTo(200);
        assertThat(reload.json().path("retry_changed").asBoolean()).isTrue();
        assertThat(reload.json().path("restart_required").toString()).doesNotContain("retry");
        assertThat(balancer.retryBudget().settings()).isEqualTo(new RetryBudget.Settings(false, 50, 0));
    }

    @Test
    void invalidReloadKeepsRunningConfiguration() throws Exception {
        Files.writeString(file, "backends: [{address: \"" + b.id() + "\", weight: 0}]\n");

        TestHttpClient.Response reload = postReload();

        assertThat(reload.status()).isEqualTo(400);
        assertThat(reload.json().path("error").asText()).contains("backends[0].weight", "'0'");
        assertThat(balancer.backends().all()).extracting(Backend::id).containsExactly(a.id());
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/after").header("x-upstream-server")).isEqualTo(a.id());
        }
    }

    @Test
    void reloadOfMissingFileIsRejected() throws Exception {
        Files.delete(file);

        TestHttpClient.Response reload = postReload();

        assertThat(reload.status()).isEqualTo(400);
        assertThat(reload.json().path("error").asText()).contains("file not found");
        assertThat(balancer.backends().all()).extracting(Backend::id).containsExactly(a.id());
    }
}
