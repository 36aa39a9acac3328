package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The task endpoints and the informational endpoints over real HTTP against a real SQLite file. One backend
 * serves the whole class, and every test starts with an empty table.
 */
class TaskApiTest {

    @TempDir
    static Path directory;

    private static RunningBackend backend;

    @BeforeAll
    static void startBackend() {
        backend = RunningBackend.start(directory.resolve("tasks.db"));
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    @BeforeEach
    void deleteAllTasks() throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("tasks.db"));
             Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM tasks");
        }
    }

    @Test
    void listIsEmptyArrayAtFirst() {
        HttpResponse<String> response = backend.get("/api/tasks");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[]");
        assertJsonHeaders(response);
    }

    @Test
    void createReturnsTaskWithLocation() {
        Instant before = Instant.now().minusSeconds(1);

        HttpResponse<String> response = backend.post("/api/tasks", "{\"title\":\"Buy milk\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertJsonHeaders(response);
        JsonNode task = RunningBackend.json(response);
        assertThat(task.path("id").asLong()).isPositive();
        assertThat(task.path("title").asText()).isEqualTo("Buy milk");
        assertThat(task.path("completed").isBoolean()).isTrue();
        assertThat(task.path("completed").asBoolean()).isFalse();
        assertThat(Instant.parse(task.path("created_at").asText())).isAfter(before);
        assertThat(response.headers().firstValue("location")).hasValue("/api/tasks/" + task.path("id").asLong());
        assertThat(task.size()).as("keys of %s", task).isEqualTo(4);
    }

    @Test
    void listReturnsTasksOrderedById() {
        long first = createTask("first");
        long second = createTask("second");
        long third = createTask("third");

        JsonNode tasks = RunningBackend.json(backend.get("/api/tasks"));

        assertThat(tasks.isArray()).isTrue();
        assertThat(tasks).hasSize(3);
        assertThat(tasks.get(0).path("id").asLong()).isEqualTo(first);
        assertThat(tasks.get(1).path("id").asLong()).isEqualTo(second);
        assertThat(tasks.get(2).path("id").asLong()).isEqualTo(third);
        assertThat(tasks.get(1).path("title").asText()).isEqualTo("second");
    }

    @Test
    void titleKeepsNonAsciiText() {
        long id = createTask("Comprar café ☕");

        JsonNode tasks = RunningBackend.json(backend.get("/api/tasks"));

        assertThat(tasks.get(0).path("id").asLong()).isEqualTo(id);
        assertThat(tasks.get(0).path("title").asText()).isEqualTo("Comprar café ☕");
    }

    @Test
    void completeMarksTaskCompleted() {
        long id = createTask("write tests");

        HttpResponse<String> response = backend.send("PUT", "/api/tasks/" + id + "/complete", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertJsonHeaders(response);
        JsonNode task = RunningBackend.json(response);
        assertThat(task.path("id").asLong()).isEqualTo(id);
        assertThat(task.path("completed").asBoolean()).isTrue();
        JsonNode listed = RunningBackend.json(backend.get("/api/tasks")).get(0);
        assertThat(listed.path("completed").asBoolean()).isTrue();
        assertThat(listed.path("created_at").asText()).isEqualTo(task.path("created_at").asText());
    }

    @Test
    void completeUnknownTaskIs404() {
        HttpResponse<String> response = backend.send("PUT", "/api/tasks/42/complete", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(RunningBackend.json(response).path("error").asText()).isEqualTo("task 42 not found");
    }

    @Test
    void deleteRemovesTask() {
        long keptId = createTask("keep");
        long deletedId = createTask("delete");

        HttpResponse<String> response = backend.send("DELETE", "/api/tasks/" + deletedId, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertJsonHeaders(response);
        assertThat(response.body()).isEqualTo("{\"deleted\":" + deletedId + "}");
        JsonNode tasks = RunningBackend.json(backend.get("/api/tasks"));
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).path("id").asLong()).isEqualTo(keptId);
    }

    @Test
    void deleteTwiceIs404TheSecondTime() {
        long id = createTask("once");
        backend.send("DELETE", "/api/tasks/" + id, null);

        HttpResponse<String> response = backend.send("DELETE", "/api/tasks/" + id, null);

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void deleteOfCourseScenarioIdIs404WithMessage() {
        HttpResponse<String> response = backend.send("DELETE", "/api/tasks/999999", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertJsonHeaders(response);
        JsonNode body = RunningBackend.json(response);
        assertThat(body.path("error").asText()).isEqualTo("task 999999 not found");
        assertThat(body.path("status").asInt()).isEqualTo(404);
        assertThat(body.path("type").asText()).isEqualTo("404_NOT_FOUND");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "DELETE, /api/tasks/abc, 400, invalid task id 'abc': expected a positive integer",
            "DELETE, /api/tasks/-1, 400, invalid task id '-1': expected a positive integer",
            "PUT, /api/tasks/1.5/complete, 400, invalid task id '1.5': expected a positive integer",
            "DELETE, /api/tasks/0, 404, task 0 not found",
            "DELETE, /api/tasks/99999999999999999999, 404, task 99999999999999999999 not found",
            "PUT, /api/tasks/99999999999999999999/complete, 404, task 99999999999999999999 not found",
    })
    void taskIdThatCannotExistIsRejected(String method, String path, int status, String message) {
        HttpResponse<String> response = backend.send(method, path, null);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(RunningBackend.json(response).path("error").asText()).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /nope",
            "GET, /api",
            "GET, /api/tasks/",
            "DELETE, /api/tasks/1/2",
            "PUT, /api/tasks/1/completed",
    })
    void unknownPathIs404(String method, String path) {
        HttpResponse<String> response = backend.send(method, path, null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertJsonHeaders(response);
        assertThat(RunningBackend.json(response).path("error").asText()).isEqualTo("path " + path + " not found");
    }

    @ParameterizedTest(name = "{0} {1} allows {2}")
    @CsvSource(delimiter = ';', value = {
            "DELETE; /api/tasks; GET, HEAD, POST",
            "PUT; /api/tasks; GET, HEAD, POST",
            "GET; /api/tasks/simulate-error; POST",
            "DELETE; /api/tasks/simulate-error; POST",
            "GET; /api/tasks/1; DELETE",
            "POST; /api/tasks/1; DELETE",
            "GET; /api/tasks/1/complete; PUT",
            "POST; /health; GET, HEAD",
            "DELETE; /info; GET, HEAD",
            "POST; /errors/stats; GET, HEAD",
    })
    void wrongMethodIs405WithAllow(String method, String path, String allowed) {
        HttpResponse<String> response = backend.send(method, path, null);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue(allowed);
        assertJsonHeaders(response);
        assertThat(RunningBackend.json(response).path("type").asText()).isEqualTo("405_METHOD_NOT_ALLOWED");
    }

    @Test
    void healthReportsOkAndPort() {
        HttpResponse<String> response = backend.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertJsonHeaders(response);
        JsonNode body = RunningBackend.json(response);
        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("port").asInt()).isEqualTo(backend.port);
    }

    @Test
    void infoReportsPortTimePidAndDatabase() {
        HttpResponse<String> response = backend.get("/info?verbose=1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertJsonHeaders(response);
        JsonNode body = RunningBackend.json(response);
        assertThat(body.path("port").asInt()).isEqualTo(backend.port);
        assertThat(Instant.parse(body.path("time").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(body.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(body.path("tasks_db").asText()).isEqualTo(directory.resolve("tasks.db").toString());
    }

    @Test
    void queryStringDoesNotChangeRoute() {
        createTask("one");

        HttpResponse<String> response = backend.get("/api/tasks?limit=5");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(RunningBackend.json(response)).hasSize(1);
    }

    private long createTask(String title) {
        String body = "{\"title\":" + io.vigia.core.ErrorStatsJson.MAPPER.valueToTree(title) + "}";
        HttpResponse<String> response = backend.post("/api/tasks", body);
        assertThat(response.statusCode()).as("create %s: %s", title, response.body()).isEqualTo(201);
        return RunningBackend.json(response).path("id").asLong();
    }

    private static void assertJsonHeaders(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(response.headers().firstValueAsLong("content-length"))
                .hasValue(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
}
