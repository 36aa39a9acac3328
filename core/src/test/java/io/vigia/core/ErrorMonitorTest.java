package io.vigia.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ErrorMonitorTest {

    @Test
    void countsByBucketInCodeOrder() {
        ErrorMonitor monitor = new ErrorMonitor(10, () -> 0L);
        monitor.record(500, "POST", "/api/tasks/simulate-error", "boom", null, ErrorCause.INTERNAL_FAILURE);
        monitor.record(404, "DELETE", "/api/tasks/999999", null, null, null);
        monitor.record(400, "POST", "/api/tasks", "title is required", null, null);
        monitor.record(200, "GET", "/", null, null, null);

        ErrorStats stats = monitor.snapshot();

        assertThat(stats.totalErrors()).isEqualTo(3);
        assertThat(stats.errorTypes()).containsExactly(
                org.assertj.core.api.Assertions.entry("400_BAD_REQUEST", 1L),
                org.assertj.core.api.Assertions.entry("404_NOT_FOUND", 1L),
                org.assertj.core.api.Assertions.entry("500_INTERNAL_ERROR", 1L));
        assertThat(stats.recentErrors()).hasSize(3);
        assertThat(monitor.count(404)).isEqualTo(1);
        assertThat(monitor.count(200)).isZero();
    }

    @Test
    void listenerReceivesEachRecordedError() {
        List<String> heard = new ArrayList<>();
        ErrorMonitor monitor = new ErrorMonitor(10, () -> 0L,
                (status, method, path, upstream, cause) -> heard.add(status + " " + method + " " + path + " "
                        + upstream + " " + cause));
        monitor.record(502, "GET", "/a", "reset", "127.0.0.1:5001", ErrorCause.CONNECTION_RESET);
        monitor.record(200, "GET", "/b", null, null, null);
        monitor.record(404, null, null, null, null, null);

        assertThat(heard).containsExactly("502 GET /a 127.0.0.1:5001 CONNECTION_RESET", "404 null null null null");
        assertThat(monitor.totalErrors()).isEqualTo(2);
    }

    @Test
    void jsonKeepsCourseSystemKeys() throws Exception {
        ErrorMonitor monitor = new ErrorMonitor(10, () -> 1_700_000_000_000L);
        monitor.record(503, "GET", "/api/tasks?x=1", "no healthy backend", "127.0.0.1:5002",
                ErrorCause.NO_HEALTHY_BACKEND);

        JsonNode json = ErrorStatsJson.MAPPER.readTree(ErrorStatsJson.toBytes(monitor.snapshot()));

        assertThat(json.get("total_errors").asLong()).isEqualTo(1);
        assertThat(json.get("error_types").get("503_SERVICE_UNAVAILABLE").asLong()).isEqualTo(1);
        JsonNode recent = json.get("recent_errors").get(0);
        assertThat(recent.get("timestamp").asText()).isEqualTo("2023-11-14T22:13:20.000Z");
        assertThat(recent.get("type").asText()).isEqualTo("503_SERVICE_UNAVAILABLE");
        assertThat(recent.get("status").asInt()).isEqualTo(503);
        assertThat(recent.get("message").asText()).isEqualTo("no healthy backend");
        assertThat(recent.get("method").asText()).isEqualTo("GET");
        assertThat(recent.get("endpoint").asText()).isEqualTo("/api/tasks?x=1");
        assertThat(recent.get("upstream").asText()).isEqualTo("127.0.0.1:5002");
        assertThat(recent.get("cause").asText()).isEqualTo("no_healthy_backend");
        assertThat(recent.get("sequence").asLong()).isZero();
    }

    @Test
    void jsonWritesNullForUnknownValues() throws Exception {
        ErrorMonitor monitor = new ErrorMonitor(10, () -> 0L);
        monitor.record(400, null, null, null, null, null);

        JsonNode recent = ErrorStatsJson.MAPPER.readTree(ErrorStatsJson.toBytes(monitor.snapshot()))
                .get("recent_errors").get(0);

        for (String key : List.of("message", "method", "endpoint", "upstream", "cause")) {
            assertThat(recent.has(key)).as("has %s", key).isTrue();
            assertThat(recent.get(key).isNull()).as("%s is null", key).isTrue();
        }
    }

    @Test
    void countersAreExactUnderContention() throws Exception {
        ErrorMonitor monitor = new ErrorMonitor();
        int threads = 4;
        int perThread = 100_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    monitor.record(i % 2 == 0 ? 404 : 502, "GET", "/", null, null, null);
                }
            }));
        }
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        ErrorStats stats = monitor.snapshot();

        assertThat(stats.totalErrors()).isEqualTo((long) threads * perThread);
        assertThat(stats.errorTypes().get("404_NOT_FOUND")).isEqualTo((long) threads * perThread / 2);
        assertThat(stats.errorTypes().get("502_BAD_GATEWAY")).isEqualTo((long) threads * perThread / 2);
        assertThat(stats.recentErrors()).hasSize(10);
    }
}
