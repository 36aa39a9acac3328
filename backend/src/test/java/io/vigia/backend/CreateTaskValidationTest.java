package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every reason {@code POST /api/tasks} rejects a body, over real HTTP, and that nothing is stored for it. */
class CreateTaskValidationTest {

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

    static Stream<Arguments> invalidBodies() {
        String example = "{\"title\": \"Buy milk\"}";
        return Stream.of(
                Arguments.of("empty body", "",
                        "request body is empty; expected a JSON object such as " + example),
                Arguments.of("only whitespace", "  \n",
                        "request body is empty; expected a JSON object such as " + example),
                Arguments.of("malformed JSON", "{\"title\":",
                        "request body is not valid JSON: Unexpected end-of-input within/between Object entries"),
                Arguments.of("trailing garbage", "{\"title\":\"a\"} x",
                        "request body is not valid JSON: "),
                Arguments.of("array", "[\"Buy milk\"]",
                        "request body must be a JSON object such as " + example + ", not array"),
                Arguments.of("string", "\"Buy milk\"",
                        "request body must be a JSON object such as " + example + ", not string"),
                Arguments.of("missing title (course scenario)", "{}", "title is required, as in " + example),
                Arguments.of("null title", "{\"title\":null}", "title is required, as in " + example),
                Arguments.of("number title", "{\"title\":5}", "title must be a string, not number"),
                Arguments.of("object title", "{\"title\":{\"text\":\"a\"}}", "title must be a string, not object"),
                Arguments.of("blank title", "{\"title\":\" \\t \"}", "title must not be blank"),
                Arguments.of("empty title", "{\"title\":\"\"}", "title must not be blank"),
                Arguments.of("title over 200 characters", "{\"title\":\"" + "x".repeat(201) + "\"}",
                        "title has 201 characters; the maximum is 200"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void invalidBodyIs400WithReason(String reason, String body, String expectedMessage) {
        HttpResponse<String> response = backend.post("/api/tasks", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        JsonNode error = RunningBackend.json(response);
        assertThat(error.path("error").asText()).startsWith(expectedMessage);
        assertThat(error.path("status").asInt()).isEqualTo(400);
        assertThat(error.path("type").asText()).isEqualTo("400_BAD_REQUEST");
        assertThat(RunningBackend.json(backend.get("/api/tasks"))).isEmpty();
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] body = {'{', '"', 't', 'i', 't', 'l', 'e', '"', ':', '"', (byte) 0xff, '"', '}'};
        HttpResponse<String> response = sendBytes(body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(RunningBackend.json(response).path("error").asText()).startsWith("request body is not valid JSON");
    }

    @Test
    void titleOfExactly200CharactersIsAccepted() {
        // 200 code points, of which some need two UTF-16 units.
        String title = "😀".repeat(50) + "x".repeat(150);

        HttpResponse<String> response = backend.post("/api/tasks", "{\"title\":\"" + title + "\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(RunningBackend.json(response).path("title").asText()).isEqualTo(title);
        backend.send("DELETE", "/api/tasks/" + RunningBackend.json(response).path("id").asLong(), null);
    }

    @Test
    void unknownFieldsAreIgnored() {
        HttpResponse<String> response = backend.post("/api/tasks", "{\"title\":\"a\",\"completed\":true}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(RunningBackend.json(response).path("completed").asBoolean()).isFalse();
        backend.send("DELETE", "/api/tasks/" + RunningBackend.json(response).path("id").asLong(), null);
    }

    private static HttpResponse<String> sendBytes(byte[] body) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(backend.uri("/api/tasks"))
                .timeout(RunningBackend.REQUEST_TIMEOUT)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return RunningBackend.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
