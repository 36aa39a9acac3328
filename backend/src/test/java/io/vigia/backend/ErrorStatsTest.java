package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code GET /errors/stats} reports after known errors, including real exceptions turned into 500. */
class ErrorStatsTest {

    @TempDir
    Path directory;

    @Test
    void freshBackendReportsNoErrors() {
        try (RunningBackend backend = RunningBackend.start(directory.resolve("tasks.db"))) {
            JsonNode stats = backend.errorStats();

            assertThat(stats.path("total_errors").asLong()).isZero();
            assertThat(stats.path("error_types").isObject()).isTrue();
            assertThat(stats.path("error_types")).isEmpty();
            assertThat(stats.path("recent_errors")).isEmpty();
        }
    }

    @Test
    void courseScenarioCountsOneErrorPerBucket() {
        try (RunningBackend backend = RunningBackend.start(directory.resolve("tasks.db"))) {
            assertThat(backend.post("/api/tasks", "{}").statusCode()).isEqualTo(400);
            assertThat(backend.send("DELETE", "/api/tasks/999999", null).statusCode()).isEqualTo(404);
            assertThat(backend.post("/api/tasks/simulate-error", null).statusCode()).isEqualTo(500);

            JsonNode stats = backend.errorStats();

            assertThat(stats.path("total_errors").asLong()).isEqualTo(3);
            assertThat(counts(stats)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                    "400_BAD_REQUEST", 1L, "404_NOT_FOUND", 1L, "500_INTERNAL_ERROR", 1L)));
        }
    }

    @Test
    void simulatedFailureMessageIsNewestRecentError() {
        try (RunningBackend backend = RunningBackend.start(directory.resolve("tasks.db"))) {
            HttpResponse<String> response = backend.post("/api/tasks/simulate-error", null);

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
            String message = "simulated failure requested through POST /api/tasks/simulate-error";
            assertThat(RunningBackend.json(response).path("error").asText()).isEqualTo(message);
            JsonNode newest = backend.errorStats().path("recent_errors").get(0);
            assertThat(newest.path("message").asText()).isEqualTo(message);
            assertThat(newest.path("status").asInt()).isEqualTo(500);
            assertThat(newest.path("type").asText()).isEqualTo("500_INTERNAL_ERROR");
            assertThat(newest.path("cause").asText()).isEqualTo("internal_failure");
            assertThat(newest.path("method").asText()).isEqualTo("POST");
            assertThat(newest.path("endpoint").asText()).isEqualTo("/api/tasks/simulate-error");
        }
    }

    @Test
    void statsCountExactlyTheErrorsSent() {
        try (RunningBackend backend = RunningBackend.start(directory.resolve("tasks.db"))) {
            backend.post("/api/tasks", "");
            backend.post("/api/tasks", "[]");
            backend.post("/api/tasks", "{\"title\": 1}");
            backend.get("/missing");
            backend.send("PUT", "/api/tasks/77/complete", null);
            backend.send("PATCH", "/api/tasks", "{}");
            backend.post("/api/tasks/simulate-error", null);
            backend.post("/api/tasks/simulate-error", null);
            // Successes are not counted.
            backend.post("/api/tasks", "{\"title\":\"ok\"}");
            backend.get("/health");

            JsonNode stats = backend.errorStats();

            assertThat(stats.path("total_errors").asLong()).isEqualTo(8);
            assertThat(counts(stats)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                    "400_BAD_REQUEST", 3L,
                    "404_NOT_FOUND", 2L,
                    "405_METHOD_NOT_ALLOWED", 1L,
                    "500_INTERNAL_ERROR", 2L)));
            JsonNode recent = stats.path("recent_errors");
            assertThat(recent).hasSize(8);
            assertThat(recent.get(7).path("message").asText()).startsWith("request body is empty");
            assertThat(recent.get(7).path("cause").asText()).isEqualTo("malformed_request");
            assertThat(recent.get(3).path("message").asText()).isEqualTo("task 77 not found");
            assertThat(recent.get(0).path("sequence").asLong()).isEqualTo(7);
            assertThat(backend.server.errorMonitor().totalErrors()).isEqualTo(8);
        }
    }

    @Test
    void oversizedBodyIs413AndCounted() {
        try (RunningBackend backend = RunningBackend.start(directory.resolve("tasks.db"))) {
            String body = "{\"title\":\"" + "x".repeat(BackendServer.MAX_CONTENT_LENGTH_BYTES) + "\"}";

            HttpResponse<String> response = backend.post("/api/tasks", body);

            assertThat(response.statusCode()).isEqualTo(413);
            JsonNode error = RunningBackend.json(response);
            assertThat(error.path("error").asText()).isEqualTo("request body exceeds the maximum of 1048576 bytes");
            assertThat(error.path("type").asText()).isEqualTo("413_CONTENT_TOO_LARGE");
            JsonNode stats = backend.errorStats();
            assertThat(counts(stats)).containsExactly(Map.entry("413_CONTENT_TOO_LARGE", 1L));
            assertThat(stats.path("recent_errors").get(0).path("endpoint").asText()).isEqualTo("/api/tasks");
            assertThat(RunningBackend.json(backend.get("/api/tasks"))).isEmpty();
        }
    }

    @Test
    void databaseFailureIs500WithJsonBody() throws Exception {
        Path database = directory.resolve("tasks.db");
        BackendConfig config = new BackendConfig("127.0.0.1", 0, database, 50);
        try (RunningBackend backend = RunningBackend.start(config);
             Connection locker = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            try (Statement statement = locker.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
            }

            HttpResponse<String> failed = backend.post("/api/tasks", "{\"title\":\"blocked\"}");

            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
            String message = RunningBackend.json(failed).path("error").asText();
            assertThat(message).startsWith("create task failed: ").containsIgnoringCase("locked");
            JsonNode newest = backend.errorStats().path("recent_errors").get(0);
            assertThat(newest.path("message").asText()).isEqualTo(message);
            assertThat(newest.path("cause").asText()).isEqualTo("internal_failure");

            try (Statement statement = locker.createStatement()) {
                statement.execute("ROLLBACK");
            }
            assertThat(backend.post("/api/tasks", "{\"title\":\"after\"}").statusCode()).isEqualTo(201);
            try (Statement statement = locker.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT title FROM tasks")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("after");
                assertThat(rows.next()).as("the failed create stored nothing").isFalse();
            }
        }
    }

    private static Map<String, Long> counts(JsonNode stats) {
        Map<String, Long> counts = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : stats.path("error_types").properties()) {
            counts.put(entry.getKey(), entry.getValue().asLong());
        }
        return counts;
    }
}
