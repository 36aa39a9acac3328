package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /} over real HTTP against a real SQLite file: what the page lists, its language, its headers and
 * the escaping of stored titles. One backend serves the whole class, and every test starts with no tasks.
 */
class TaskPageTest {

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
    void pageListsTasksAndNamesBackend() {
        long first = backend.createTask("Buy milk");
        long second = backend.createTask("Write the report");
        backend.send("PUT", "/api/tasks/" + second + "/complete", null);

        HttpResponse<String> response = getPage(null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        String html = response.body();
        assertThat(html).contains("<table id=\"tasks\">");
        assertThat(html).contains("<tr data-task-id=\"" + first + "\" class=\"pending\">");
        assertThat(html).contains("<tr data-task-id=\"" + second + "\" class=\"completed\">");
        assertThat(html).contains(">Buy milk</td>", ">Write the report</td>");
        assertThat(html).contains("Tasks: 2, completed: 1");
        assertThat(html).containsPattern("<time datetime=\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\">\\d{4}-\\d\\d-\\d\\d "
                + "\\d\\d:\\d\\d:\\d\\d UTC</time>");
        assertThat(html).contains("<p id=\"served-by\">Served by backend 127.0.0.1:" + backend.port
                + " (pid " + ProcessHandle.current().pid() + ")</p>");
    }

    @Test
    void pageOffersCompleteOnlyForPendingTasks() {
        long pending = backend.createTask("pending one");
        long done = backend.createTask("done one");
        backend.send("PUT", "/api/tasks/" + done + "/complete", null);

        String html = getPage(null).body();

        assertThat(html).contains("<form method=\"post\" action=\"/tasks/" + pending + "/complete\">"
                + "<button type=\"submit\" data-action=\"complete\">Complete</button></form>");
        assertThat(html).doesNotContain("action=\"/tasks/" + done + "/complete\"");
        assertThat(html).contains("<form method=\"post\" action=\"/tasks/" + pending + "/delete\">");
        assertThat(html).contains("<form method=\"post\" action=\"/tasks/" + done + "/delete\">"
                + "<button type=\"submit\" data-action=\"delete\">Delete</button></form>");
        assertThat(html).contains("<form id=\"add-task\" method=\"post\" action=\"/tasks\"");
    }

    @Test
    void emptyListSaysSo() {
        String html = getPage(null).body();

        assertThat(html).contains("<table id=\"tasks\">", "<tbody>\n</tbody>");
        assertThat(html).contains("No tasks yet.");
        assertThat(html).doesNotContain("data-task-id");
        assertThat(html).doesNotContain("id=\"error\"");
    }

    @Test
    void spanishPreferenceGetsSpanishPage() {
        backend.createTask("Comprar pan");

        HttpResponse<String> response = getPage(SPANISH);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-language")).hasValue("es");
        String html = response.body();
        assertThat(html).startsWith("<!DOCTYPE html>\n<html lang=\"es\">");
        assertThat(html).contains("<title>Tareas de Vigía</title>", "<h1>Tareas</h1>", "Añadir", "Completar",
                "Borrar", "Pendiente", "Tareas: 1, completadas: 0");
        assertThat(html).contains("Servida por el backend 127.0.0.1:" + backend.port);
        assertThat(html).doesNotContain(">Add<", ">Delete<");
    }

    @ParameterizedTest(name = "Accept-Language: {0}")
    @NullSource
    @ValueSource(strings = {"en-US,en;q=0.9", "fr-FR", "en,es;q=0.5", "es;q=0,en;q=0.1", "*", "not a ;; range"})
    void otherPreferencesGetEnglishPage(String acceptLanguage) {
        HttpResponse<String> response = getPage(acceptLanguage);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-language")).hasValue("en");
        assertThat(response.body()).startsWith("<!DOCTYPE html>\n<html lang=\"en\">");
        assertThat(response.body()).contains("<h1>Tasks</h1>", ">Add</button>");
    }

    @Test
    void spanishAfterAnotherLanguageGetsSpanish() {
        assertThat(getPage("fr,es;q=0.5,en;q=0.4").body()).startsWith("<!DOCTYPE html>\n<html lang=\"es\">");
    }

    @Test
    void pageHasSecurityAndCachingHeaders() {
        HttpResponse<String> response = getPage(SPANISH);

        assertThat(response.headers().firstValue("content-security-policy")).hasValue("default-src 'none'; "
                + "style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
        assertThat(response.headers().firstValue("vary")).hasValue("Accept-Language");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(response.headers().firstValueAsLong("content-length"))
                .hasValue(response.body().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void pageHasNoScriptOrAbsoluteLinks() {
        backend.createTask("a task");

        String html = getPage(null).body();

        assertThat(html).doesNotContainIgnoringCase("<script");
        assertThat(html).doesNotContain("http://", "https://", "//127.0.0.1");
        assertThat(html).containsPattern("href=\"/api/tasks\"").containsPattern("href=\"/errors/stats\"");
        assertThat(html).doesNotContainPattern(" (href|action|src)=\"[^/\"]");
    }

    @Test
    void storedTitlesAreEscaped() {
        long script = backend.createTask("<script>alert(1)</script>");
        long quotes = backend.createTask("\"quotes\" & ampersands");
        backend.createTask("it's <b>bold</b>");

        String html = getPage(null).body();

        assertThat(html).contains("<tr data-task-id=\"" + script + "\" class=\"pending\">"
                + "<td class=\"title\">&lt;script&gt;alert(1)&lt;/script&gt;</td>");
        assertThat(html).contains("<tr data-task-id=\"" + quotes + "\" class=\"pending\">"
                + "<td class=\"title\">&quot;quotes&quot; &amp; ampersands</td>");
        assertThat(html).contains("it&#39;s &lt;b&gt;bold&lt;/b&gt;");
        assertThat(html).doesNotContain("<script>", "\"quotes\"", "<b>");
    }

    @Test
    void headAnswersLikeGetWithoutBody() {
        backend.createTask("counted in the length");
        long pageLength = getPage(null).headers().firstValueAsLong("content-length").orElseThrow();

        for (String path : new String[] {"/", "/api/tasks", "/health", "/info", "/errors/stats"}) {
            HttpResponse<String> response = backend.send(backend.newRequest(path)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

            assertThat(response.statusCode()).as("HEAD %s", path).isEqualTo(200);
            assertThat(response.body()).as("HEAD %s", path).isEmpty();
            assertThat(response.headers().firstValueAsLong("content-length")).as("HEAD %s", path).isPresent();
        }
        HttpResponse<String> head = backend.send(backend.newRequest("/")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.headers().firstValueAsLong("content-length")).hasValue(pageLength);
        assertThat(head.headers().firstValue("content-security-policy")).isPresent();
    }

    @Test
    void faviconIsNoContentAndNotAnError() {
        long errorsBefore = backend.server.errorMonitor().totalErrors();

        HttpResponse<String> response = backend.get("/favicon.ico");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        assertThat(backend.server.errorMonitor().totalErrors()).isEqualTo(errorsBefore);
    }

    @Test
    void postToPageIs405WithHtml() {
        HttpResponse<String> response = backend.postForm("/", "title=x", null);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("<div id=\"error\" role=\"alert\">Error 405: Method POST is not "
                + "allowed on /; allowed: GET, HEAD.</div>");
        assertThat(backend.errorStats().path("recent_errors").get(0).path("message").asText())
                .isEqualTo("method POST is not allowed on /; allowed: GET, HEAD");
    }

    private static HttpResponse<String> getPage(String acceptLanguage) {
        HttpRequest.Builder request = backend.newRequest("/").GET();
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        return backend.send(request.build());
    }
}
