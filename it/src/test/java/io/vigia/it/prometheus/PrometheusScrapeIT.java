package io.vigia.it.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigia.backend.BackendConfig;
import io.vigia.backend.BackendServer;
import io.vigia.balancer.BackendAddress;
import io.vigia.balancer.BalancerConfig;
import io.vigia.balancer.BalancerServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prometheus scraping two balancers and two backends on loopback with the configuration and rules from
 * {@code deploy/prometheus}: the error counts it sums must be the ones the balancers returned.
 *
 * <p>Runs only in the {@code prometheus} Maven profile, which sets {@code vigia.it.prometheus} and the path
 * of Debian's {@code prometheus} binary.
 */
@EnabledIfSystemProperty(named = "vigia.it.prometheus", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapeIT {

    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<BackendServer> backends = new ArrayList<>();
    private final List<BalancerServer> balancers = new ArrayList<>();
    /** Error responses the test received, by bucket, over both balancers. */
    private final Map<String, Integer> sentErrors = new TreeMap<>();
    private Path deployDir;
    private PrometheusServer prometheus;

    @BeforeAll
    void startEverything() throws Exception {
        deployDir = Path.of(System.getProperty("vigia.it.deployDir")).toAbsolutePath().normalize();
        Path workDir = Files.createDirectories(Path.of(System.getProperty("vigia.it.prometheusWorkDir")));
        for (int i = 0; i < 2; i++) {
            BackendServer backend = new BackendServer(BackendConfig.of("127.0.0.1", 0,
                    Files.createTempDirectory(workDir, "backend").resolve("tasks.db")));
            backend.start();
            backends.add(backend);
        }
        List<BackendAddress> addresses = List.of(new BackendAddress("127.0.0.1", backends.get(0).port()),
                new BackendAddress("127.0.0.1", backends.get(1).port()));
        for (int i = 0; i < 2; i++) {
            BalancerServer balancer = new BalancerServer(BalancerConfig.builder().host("127.0.0.1").port(0)
                    .threads(2).backends(addresses).probeIntervalMillis(1_000).build());
            balancer.start();
            balancers.add(balancer);
        }

        sendKnownTraffic();

        Path runDir = Files.createTempDirectory(workDir, "run");
        prometheus = PrometheusServer.start(Path.of(System.getProperty("vigia.it.prometheusBinary")),
                writeConfig(runDir), runDir);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        balancers.forEach(BalancerServer::stop);
        backends.forEach(BackendServer::close);
    }

    @Test
    void summedErrorsMatchWhatWasSent() throws Exception {
        Map<String, Integer> monitored = new TreeMap<>();
        for (BalancerServer balancer : balancers) {
            balancer.monitor().snapshot().errorTypes().forEach((bucket, count) ->
                    monitored.merge(bucket, count.intValue(), Integer::sum));
        }
        assertThat(monitored).isEqualTo(sentErrors);

        Map<String, Integer> scraped = awaitErrorSums();

        assertThat(scraped).isEqualTo(sentErrors);
    }

    @Test
    void everyTargetIsScraped() throws Exception {
        long deadline = System.nanoTime() + SCRAPE_TIMEOUT.toNanos();
        JsonNode up = prometheus.query("up == 1");
        while (up.size() < 4 && System.nanoTime() - deadline < 0) {
            Thread.sleep(250);
            up = prometheus.query("up == 1");
        }

        assertThat(up).as("targets scraped successfully").hasSize(4);
        assertThat(prometheus.query("up")).hasSize(4);
    }

    @Test
    void rulesFromDeployAreLoaded() throws Exception {
        JsonNode groups = prometheus.get("/api/v1/rules").path("data").path("groups");
        List<String> names = new ArrayList<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                names.add(rule.path("name").asText());
                assertThat(rule.path("health").asText()).as(rule.path("name").asText()).isNotEqualTo("err");
            }
        }

        assertThat(names).contains("VigiaBackendErrorRatioHigh", "VigiaBackendDown", "VigiaAllBackendsDown",
                "VigiaBalancerDown", "upstream:vigia_errors:rate5m", "upstream:vigia_requests:rate5m");
    }

    @Test
    void dashboardQueriesAreValid() throws Exception {
        JsonNode dashboard = MAPPER.readTree(deployDir.resolve("grafana/vigia.json").toFile());
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }
        awaitErrorSums();

        assertThat(expressions).hasSizeGreaterThanOrEqualTo(7);
        for (String expression : expressions) {
            String concrete = expression.replace("$__rate_interval", "1m").replace("$instance", ".*");
            assertThat(prometheus.query(concrete)).as(concrete).isNotNull();
        }
        assertThat(prometheus.query("sum(vigia_backend_up)").get(0).path("value").get(1).asText()).isEqualTo("4");
    }

    /** Sends through each balancer a known mix of successes and 400, 404, 405 and 500 errors. */
    private void sendKnownTraffic() throws Exception {
        BalancerServer first = balancers.get(0);
        BalancerServer second = balancers.get(1);
        for (int i = 0; i < 3; i++) {
            send(first, "GET", "/api/tasks", null, 200);
        }
        send(first, "POST", "/api/tasks", "{\"title\":\"scraped\"}", 201);
        send(first, "GET", "/missing", null, 404);
        send(first, "DELETE", "/api/tasks/999999", null, 404);
        send(first, "GET", "/api/tasks/999999", null, 405);
        send(first, "POST", "/api/tasks", "not json", 400);
        send(first, "POST", "/api/tasks/simulate-error", "", 500);
        send(second, "DELETE", "/api/tasks/424242", null, 404);
        send(second, "POST", "/api/tasks/simulate-error", "", 500);
        send(second, "POST", "/api/tasks/simulate-error", "", 500);
        send(second, "POST", "/api/tasks", "{}", 400);
        send(second, "POST", "/status", "", 405);
    }

    private void send(BalancerServer balancer, String method, String path, String body, int expectedStatus)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + balancer.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path).isEqualTo(expectedStatus);
        if (expectedStatus >= 400) {
            String bucket = MAPPER.readTree(response.body()).path("type").asText();
            sentErrors.merge(bucket, 1, Integer::sum);
        }
    }

    /** Polls {@code sum by (bucket) (vigia_errors_total)} until it equals what was sent or the timeout passes. */
    private Map<String, Integer> awaitErrorSums() throws Exception {
        long deadline = System.nanoTime() + SCRAPE_TIMEOUT.toNanos();
        Map<String, Integer> scraped = Map.of();
        while (System.nanoTime() - deadline < 0) {
            scraped = new TreeMap<>();
            for (JsonNode series : prometheus.query("sum by (bucket) (vigia_errors_total)")) {
                scraped.put(series.path("metric").path("bucket").asText(),
                        (int) Double.parseDouble(series.path("value").get(1).asText()));
            }
            if (scraped.equals(sentErrors)) {
                return scraped;
            }
            Thread.sleep(250);
        }
        return scraped;
    }

    /**
     * Writes {@code deploy/prometheus/prometheus.yml} with this test's ports and a 1 s scrape interval, next to
     * a copy of the rules file it names.
     */
    private Path writeConfig(Path runDir) throws IOException {
        Path source = deployDir.resolve("prometheus");
        String config = Files.readString(source.resolve("prometheus.yml"));
        String balancerTargets = "['127.0.0.1:8080', '127.0.0.1:8081']";
        String backendTargets = "['127.0.0.1:5001', '127.0.0.1:5002']";
        assertThat(config).contains(balancerTargets, backendTargets, "scrape_interval: 15s",
                "evaluation_interval: 15s", "scrape_timeout: 5s");
        config = config
                .replace(balancerTargets, targets(balancers.get(0).port(), balancers.get(1).port()))
                .replace(backendTargets, targets(backends.get(0).port(), backends.get(1).port()))
                .replace("scrape_interval: 15s", "scrape_interval: 1s")
                .replace("evaluation_interval: 15s", "evaluation_interval: 1s")
                .replace("scrape_timeout: 5s", "scrape_timeout: 1s");
        Files.copy(source.resolve("vigia-rules.yml"), runDir.resolve("vigia-rules.yml"));
        Path file = runDir.resolve("prometheus.yml");
        Files.writeString(file, config);
        return file;
    }

    private static String targets(int first, int second) {
        return "['127.0.0.1:" + first + "', '127.0.0.1:" + second + "']";
    }
}
