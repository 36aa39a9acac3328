package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.backend.RawHttpConnection.Response;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The task page's form posts over real HTTP against a real SQLite file: post-redirect-get on success, and on a
 * rejected request the page again with the error status, the message in the page's language, and the English
 * message counted in {@code /errors/stats}. One backend serves the whole class, and every test starts with no
 * tasks.
 */
class TaskFormTest {

    private static final String SPANISH = "es-CL,es;q=0.9";

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
    void addFormCreatesTaskAndRedirects() {
        HttpResponse<String> response = backend.postForm("/tasks", "title=Comprar+caf%C3%A9+%E2%98%95", SPANISH);

        assertRedirectToPage(response);
        JsonNode tasks = listTasks();
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).path("title").asText()).isEqualTo("Comprar café ☕");
        assertThat(tasks.get(0).path("completed").asBoolean()).isFalse();
    }

    @Test
    void addFormKeepsRawUtf8AndSemicolons() {
        HttpResponse<String> response = backend.postForm("/tasks", "title=Café;ñandú&ignored=1", null);

        assertRedirectToPage(response);
        assertThat(listTasks().get(0).path("title").asText()).isEqualTo("Café;ñandú");
    }

    @Test
    void blankTitleIs400PageAndCounted() {
        long before = backend.server.errorMonitor().count(400);

        HttpResponse<String> response = backend.postForm("/tasks", "title=+%20%09", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.headers().firstValue("content-security-policy")).isPresent();
        assertThat(response.body()).contains("<html lang=\"en\">", "<table id=\"tasks\">",
                "<div id=\"error\" role=\"alert\">Error 400: The title must not be blank.</div>");
        assertThat(listTasks()).isEmpty();
        assertThat(backend.server.errorMonitor().count(400)).isEqualTo(before + 1);
        JsonNode newest = backend.errorStats().path("recent_errors").get(0);
        assertThat(newest.path("type").asText()).isEqualTo("400_BAD_REQUEST");
        assertThat(newest.path("message").asText()).isEqualTo("title must not be blank");
        assertThat(newest.path("cause").asText()).isEqualTo("malformed_request");
        assertThat(newest.path("method").asText()).isEqualTo("POST");
        assertThat(newest.path("endpoint").asText()).isEqualTo("/tasks");
    }

    @Test
    void blankTitleInSpanishShowsSpanishMessage() {
        HttpResponse<String> response = backend.postForm("/tasks", "title=", SPANISH);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("vary")).hasValue("Accept-Language");
        assertThat(response.body()).contains("<html lang=\"es\">",
                "<div id=\"error\" role=\"alert\">Error 400: El título no puede estar en blanco.</div>");
        assertThat(backend.errorStats().path("recent_errors").get(0).path("message").asText())
                .isEqualTo("title must not be blank");
    }

    static Stream<Arguments> invalidForms() {
        String tooLong = "x".repeat(TaskTitle.MAX_LENGTH + 1);
        String invalidEncoding = "form body is not valid application/x-www-form-urlencoded data: every '%' must"
                + " be followed by two hex digits";
        String displayedInvalidEncoding = "The form data is not valid URL-encoded UTF-8 text.";
        return Stream.of(
                Arguments.of("empty body", "", "form field title is missing",
                        "The form did not send the field title."),
                Arguments.of("no title field", "name=milk", "form field title is missing",
                        "The form did not send the field title."),
                Arguments.of("repeated title", "title=a&title=b", "form field title appears 2 times; expected once",
                        "The form sent the field title 2 times; send it once."),
                Arguments.of("title over 200 characters", "title=" + tooLong,
                        "title has 201 characters; the maximum is 200",
                        "The title has 201 characters; the maximum is 200."),
                Arguments.of("invalid percent escape", "title=%zz", invalidEncoding, displayedInvalidEncoding),
                Arguments.of("truncated percent escape", "title=milk%2", invalidEncoding, displayedInvalidEncoding),
                Arguments.of("invalid UTF-8", "title=%FFmilk", "form field title is not valid UTF-8",
                        displayedInvalidEncoding));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidForms")
    void invalidFormIs400WithReason(String reason, String body, String recorded, String displayed) {
        HttpResponse<String> response = backend.postForm("/tasks", body, null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<div id=\"error\" role=\"alert\">Error 400: " + displayed + "</div>");
        JsonNode newest = backend.errorStats().path("recent_errors").get(0);
        assertThat(newest.path("message").asText()).isEqualTo(recorded);
        assertThat(newest.path("type").asText()).isEqualTo("400_BAD_REQUEST");
        assertThat(listTasks()).isEmpty();
    }

    @Test
    void rejectedTitleIsOfferedAgainEscaped() {
        String title = "\"><script>alert(1)</script>" + "x".repeat(TaskTitle.MAX_LENGTH);

        HttpResponse<String> response = backend.postForm("/tasks",
                "title=" + java.net.URLEncoder.encode(title, StandardCharsets.UTF_8), null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;xxx");
        assertThat(response.body()).doesNotContain("<script>");
    }

    @Test
    void oversizedFormIs413Page() {
        String body = "title=" + "x".repeat(FormBody.MAX_BODY_BYTES);

        HttpResponse<String> response = backend.postForm("/tasks", body, SPANISH);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("<div id=\"error\" role=\"alert\">Error 413: Los datos del "
                + "formulario superan el máximo de 8192 bytes.</div>");
        JsonNode newest = backend.errorStats().path("recent_errors").get(0);
        assertThat(newest.path("type").asText()).isEqualTo("413_CONTENT_TOO_LARGE");
        assertThat(newest.path("message").asText()).isEqualTo("form body has 8198 bytes; the maximum is 8192");
        assertThat(listTasks()).isEmpty();
    }

    @Test
    void formOverServerLimitIs413() {
        String body = "title=" + "x".repeat(BackendServer.MAX_CONTENT_LENGTH_BYTES);

        HttpResponse<String> response = backend.postForm("/tasks", body, null);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(backend.errorStats().path("recent_errors").get(0).path("endpoint").asText()).isEqualTo("/tasks");
        assertThat(listTasks()).isEmpty();
    }

    @Test
    void nonFormContentTypeIs415() {
        HttpResponse<String> plain = backend.send(backend.newRequest("/tasks")
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("title=milk")).build());
        HttpResponse<String> missing = backend.post("/tasks", "title=milk");

        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(plain.body()).contains("Error 415: The form must be sent as application/x-www-form-urlencoded.");
        assertThat(missing.statusCode()).isEqualTo(415);
        JsonNode recent = backend.errorStats().path("recent_errors");
        assertThat(recent.get(0).path("message").asText())
                .isEqualTo("Content-Type is missing; expected application/x-www-form-urlencoded");
        assertThat(recent.get(1).path("message").asText()).isEqualTo(
                "Content-Type 'text/plain; charset=utf-8' is not supported; expected application/x-www-form-urlencoded");
        assertThat(listTasks()).isEmpty();
    }

    @Test
    void completeFormCompletesTask() {
        long id = backend.createTask("finish me");

        HttpResponse<String> response = backend.postForm("/tasks/" + id + "/complete", "", null);

        assertRedirectToPage(response);
        assertThat(listTasks().get(0).path("completed").asBoolean()).isTrue();
        assertThat(backend.get("/").body()).contains("<tr data-task-id=\"" + id + "\" class=\"completed\">");
    }

    @Test
    void deleteFormDeletesTask() {
        long keptId = backend.createTask("keep me");
        long deletedId = backend.createTask("delete me");

        HttpResponse<String> response = backend.postForm("/tasks/" + deletedId + "/delete", "", null);

        assertRedirectToPage(response);
        JsonNode tasks = listTasks();
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).path("id").asLong()).isEqualTo(keptId);
    }

    @Test
    void deleteOfAbsentTaskIs404PageAndCounted() {
        long before = backend.server.errorMonitor().count(404);

        HttpResponse<String> response = backend.postForm("/tasks/999999/delete", "", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("<div id=\"error\" role=\"alert\">Error 404: Task 999999 does not "
                + "exist; it may have been deleted already.</div>");
        assertThat(backend.server.errorMonitor().count(404)).isEqualTo(before + 1);
        JsonNode newest = backend.errorStats().path("recent_errors").get(0);
        assertThat(newest.path("type").asText()).isEqualTo("404_NOT_FOUND");
        assertThat(newest.path("message").asText()).isEqualTo("task 999999 not found");
        assertThat(newest.path("endpoint").asText()).isEqualTo("/tasks/999999/delete");
    }

    @Test
    void completeOfDeletedTaskIs404InSpanish() {
        long id = backend.createTask("gone");
        backend.send("DELETE", "/api/tasks/" + id, null);

        HttpResponse<String> response = backend.postForm("/tasks/" + id + "/complete", "", SPANISH);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("Error 404: La tarea " + id + " no existe; puede que ya se haya "
                + "borrado.");
        assertThat(backend.errorStats().path("recent_errors").get(0).path("message").asText())
                .isEqualTo("task " + id + " not found");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "/tasks/abc/delete; 400; invalid task id 'abc': expected a positive integer",
            "/tasks/-1/complete; 400; invalid task id '-1': expected a positive integer",
            "/tasks/0/complete; 404; task 0 not found",
            "/tasks/99999999999999999999/delete; 404; task 99999999999999999999 not found",
            "/tasks/1/archive; 404; path /tasks/1/archive not found",
            "/tasks/; 404; path /tasks/ not found",
            "/tasks/1/2/delete; 404; path /tasks/1/2/delete not found",
            "/tasks/delete; 404; path /tasks/delete not found",
    })
    void taskFormPathThatCannotMatchIsRejected(String path, int status, String recorded) {
        HttpResponse<String> response = backend.postForm(path, "", null);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("<div id=\"error\" role=\"alert\">Error " + status + ": ");
        assertThat(backend.errorStats().path("recent_errors").get(0).path("message").asText()).isEqualTo(recorded);
    }

    @Test
    void errorMessageFromPathIsEscaped() {
        HttpResponse<String> response = backend.postForm("/tasks/%3Cb%3E%22x/delete", "", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Invalid task id &#39;&lt;b&gt;&quot;x&#39;: expected a positive "
                + "integer.");
        assertThat(response.body()).doesNotContain("<b>");
    }

    @Test
    void getOnFormPathIs405() {
        HttpResponse<String> list = backend.get("/tasks");
        HttpResponse<String> complete = backend.get("/tasks/1/complete");

        assertThat(list.statusCode()).isEqualTo(405);
        assertThat(list.headers().firstValue("allow")).hasValue("POST");
        assertThat(complete.statusCode()).isEqualTo(405);
        assertThat(complete.headers().firstValue("allow")).hasValue("POST");
        assertThat(complete.body()).contains("Error 405: Method GET is not allowed on /tasks/1/complete; "
                + "allowed: POST.");
    }

    @Test
    void pipelinedPostAndPageAnswerInOrder() throws Exception {
        String form = "title=pipelined";
        try (RawHttpConnection connection = new RawHttpConnection(backend.port)) {
            connection.send("POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + form.length() + "\r\n\r\n" + form
                    + "GET / HTTP/1.1\r\nHost: x\r\nAccept-Language: es\r\n\r\n"
                    + "POST /tasks/999999/delete HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");

            Response redirect = connection.readResponse();
            Response page = connection.readResponse();
            Response notFound = connection.readResponse();

            assertThat(redirect.status()).isEqualTo(303);
            assertThat(redirect.headers()).containsEntry("location", "/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("<html lang=\"es\">", ">pipelined</td>");
            assertThat(notFound.status()).isEqualTo(404);
        }
    }

    private static void assertRedirectToPage(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status, body %s", response.body()).isEqualTo(303);
        assertThat(response.headers().firstValue("location")).hasValue("/");
        assertThat(response.headers().firstValueAsLong("content-length")).hasValue(0);
        assertThat(response.body()).isEmpty();
    }

    private static JsonNode listTasks() {
        return RunningBackend.json(backend.get("/api/tasks"));
    }
}
