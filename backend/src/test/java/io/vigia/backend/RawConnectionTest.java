package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.backend.RawHttpConnection.Response;
import io.vigia.core.ErrorStatsJson;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection-level behaviour over a plain socket: malformed input, keep-alive, pipelining. */
class RawConnectionTest {

    @TempDir
    Path directory;

    private RunningBackend backend;

    @BeforeEach
    void startBackend() {
        backend = RunningBackend.start(directory.resolve("tasks.db"));
    }

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    @Test
    void garbageGets400AndClose() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(backend.port)) {
            connection.send("GARBAGE\r\n\r\n");

            Response response = connection.readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.headers()).containsEntry("content-type", "application/json; charset=utf-8");
            assertThat(response.headers()).containsEntry("connection", "close");
            JsonNode body = ErrorStatsJson.MAPPER.readTree(response.body());
            assertThat(body.path("error").asText()).startsWith("malformed HTTP request: ");
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(connection.closedByPeer()).isTrue();
        }
        JsonNode newest = backend.errorStats().path("recent_errors").get(0);
        assertThat(newest.path("status").asInt()).isEqualTo(400);
        assertThat(newest.path("cause").asText()).isEqualTo("malformed_request");
        assertThat(newest.path("method").isNull()).isTrue();
    }

    @Test
    void oversizedHeaderGets400AndClose() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(backend.port)) {
            connection.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n");

            Response response = connection.readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(connection.closedByPeer()).isTrue();
        }
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(backend.port)) {
            connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(connection.readResponse().status()).isEqualTo(200);

            connection.send("POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\n{\"title\":\"a\"}");
            assertThat(connection.readResponse().status()).isEqualTo(201);

            connection.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
            Response notFound = connection.readResponse();
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.headers()).doesNotContainKey("connection");
        }
    }

    @Test
    void connectionCloseRequestIsAnsweredThenClosed() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(backend.port)) {
            connection.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            Response response = connection.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers()).containsEntry("connection", "close");
            assertThat(connection.closedByPeer()).isTrue();
        }
    }

    @Test
    void http10KeepAliveIsConfirmed() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(backend.port)) {
            connection.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            Response first = connection.readResponse();
            connection.send("GET /health HTTP/1.0\r\n\r\n");
            Response second = connection.readResponse();

            assertThat(first.headers()).containsEntry("connection", "keep-alive");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.headers()).containsEntry("connection", "close");
            assertThat(connection.closedByPeer()).isTrue();
        }
    }

    @Test
    void pipelinedResponsesKeepRequestOrder() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(backend.port)) {
            // The first two need the database; the third does not and must still come last.
            connection.send("POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n{\"title\":\"first\"}"
                    + "GET /api/tasks HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");

            Response created = connection.readResponse();
            Response listed = connection.readResponse();
            Response missing = connection.readResponse();

            assertThat(created.status()).isEqualTo(201);
            assertThat(listed.status()).isEqualTo(200);
            assertThat(ErrorStatsJson.MAPPER.readTree(listed.body())).hasSize(1);
            assertThat(missing.status()).isEqualTo(404);
        }
        JsonNode newest = backend.errorStats().path("recent_errors").get(0);
        assertThat(newest.path("endpoint").asText()).isEqualTo("/nope");
    }

    @Test
    void oversizedBodyWithLengthKeepsConnectionUsable() throws Exception {
        int length = BackendServer.MAX_CONTENT_LENGTH_BYTES + 1;
        try (RawHttpConnection connection = new RawHttpConnection(backend.port)) {
            connection.send("POST /api/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n");
            connection.send("y".repeat(length));
            connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");

            Response tooLarge = connection.readResponse();
            Response health = connection.readResponse();

            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.headers()).doesNotContainKey("connection");
            assertThat(health.status()).isEqualTo(200);
        }
        assertThat(backend.server.errorMonitor().count(413)).isEqualTo(1);
    }
}
