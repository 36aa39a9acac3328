package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigia.core.testing.PrometheusText;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} of a running backend after a known sequence of requests. */
class BackendMetricsTest {

    @TempDir
    Path directory;

    private RunningBackend backend;

    @BeforeEach
    void start() {
        backend = RunningBackend.start(directory.resolve("tasks.db"));
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void countsRequestsAndErrorsByRouteTemplate() {
        assertThat(backend.post("/api/tasks", "{\"title\":\"one\"}").statusCode()).isEqualTo(201);
        assertThat(backend.post("/api/tasks", "{\"title\":\"two\"}").statusCode()).isEqualTo(201);
        assertThat(backend.get("/api/tasks").statusCode()).isEqualTo(200);
        assertThat(backend.send("PUT", "/api/tasks/1/complete", null).statusCode()).isEqualTo(200);
        assertThat(backend.send("DELETE", "/api/tasks/2", null).statusCode()).isEqualTo(200);
        assertThat(backend.send("DELETE", "/api/tasks/999", null).statusCode()).isEqualTo(404);
        assertThat(backend.post("/api/tasks", "not json").statusCode()).isEqualTo(400);
        assertThat(backend.post("/api/tasks/simulate-error", "").statusCode()).isEqualTo(500);
        assertThat(backend.get("/nowhere/1").statusCode()).isEqualTo(404);

        PrometheusText metrics = scrape();

        assertThat(metrics.value("vigia_backend_requests_total", "route", "/api/tasks", "method", "POST",
                "status_class", "2xx")).isEqualTo(2.0);
        assertThat(metrics.value("vigia_backend_requests_total", "route", "/api/tasks", "method", "POST",
                "status_class", "4xx")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_requests_total", "route", "/api/tasks/{id}", "method", "DELETE",
                "status_class", "2xx")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_requests_total", "route", "/api/tasks/{id}/complete",
                "method", "PUT", "status_class", "2xx")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_errors_total", "route", "/api/tasks/{id}", "bucket",
                "404_NOT_FOUND")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_errors_total", "route", "/api/tasks", "bucket",
                "400_BAD_REQUEST")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_errors_total", "route", "/api/tasks/simulate-error", "bucket",
                "500_INTERNAL_ERROR")).isEqualTo(1.0);
        assertThat(metrics.value("vigia_backend_errors_total", "route", "other", "bucket", "404_NOT_FOUND"))
                .isEqualTo(1.0);
        assertThat(metrics.sum("vigia_backend_errors_total")).isEqualTo(backend.server.errorMonitor().totalErrors());
        assertThat(metrics.samples("vigia_backend_requests_total"))
                .allSatisfy(sample -> assertThat(sample.labels().get("route")).doesNotContain("999"));
        assertThat(metrics.value("vigia_backend_request_duration_seconds_count", "route", "/api/tasks"))
                .isEqualTo(4.0);
    }

    @Test
    void countsTaskStoreOperations() {
        backend.post("/api/tasks", "{\"title\":\"one\"}");
        backend.get("/api/tasks");
        backend.get("/");
        backend.send("PUT", "/api/tasks/1/complete", null);
        backend.send("DELETE", "/api/tasks/1", null);
        backend.send("DELETE", "/api/tasks/1", null);

        PrometheusText metrics = scrape();

        assertThat(metrics.value("vigia_task_store_operations_total", "operation", "create", "outcome", "ok"))
                .isEqualTo(1.0);
        assertThat(metrics.value("vigia_task_store_operations_total", "operation", "list", "outcome", "ok"))
                .isEqualTo(2.0);
        assertThat(metrics.value("vigia_task_store_operations_total", "operation", "complete", "outcome", "ok"))
                .isEqualTo(1.0);
        assertThat(metrics.value("vigia_task_store_operations_total", "operation", "delete", "outcome", "ok"))
                .isEqualTo(2.0);
        assertThat(metrics.sum("vigia_task_store_operations_total", "outcome", "error")).isZero();
        assertThat(metrics.value("vigia_task_store_operation_duration_seconds_count", "operation", "delete"))
                .isEqualTo(2.0);
        assertThat(metrics.value("vigia_task_store_operation_duration_seconds_bucket", "operation", "create",
                "le", "+Inf")).isEqualTo(1.0);
    }

    @Test
    void openMetricsWhenAccepted() {
        HttpResponse<String> response = backend.send(backend.newRequest("/metrics")
                .header("Accept", "application/openmetrics-text; version=1.0.0").GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.body()).endsWith("# EOF\n").contains("# TYPE vigia_task_store_operations counter");
        assertThat(PrometheusText.parse(response.body()).sum("jvm_threads_current")).isPositive();
    }

    @Test
    void postToMetricsIs405() {
        assertThat(backend.post("/metrics", "").statusCode()).isEqualTo(405);

        assertThat(scrape().value("vigia_backend_errors_total", "route", "/metrics", "bucket",
                "405_METHOD_NOT_ALLOWED")).isEqualTo(1.0);
    }

    private PrometheusText scrape() {
        HttpResponse<String> response = backend.get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusText.parse(response.body());
    }
}
