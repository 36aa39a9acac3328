package io.vigia.backend;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.core.ErrorStatsJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A {@link BackendServer} started in the test JVM on an ephemeral loopback port, with a plain HTTP/1.1 client
 * for it. Closing it stops the server.
 */
final class RunningBackend implements AutoCloseable {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    final BackendServer server;
    final int port;

    private RunningBackend(BackendServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static RunningBackend start(Path databaseFile) {
        return start(BackendConfig.of("127.0.0.1", 0, databaseFile));
    }

    static RunningBackend start(BackendConfig config) {
        BackendServer server = new BackendServer(config);
        try {
            return new RunningBackend(server, server.start());
        } catch (IOException | SQLException e) {
            server.close();
            throw new IllegalStateException("backend did not start: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            throw new IllegalStateException("interrupted while starting the backend", e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> get(String path) {
        return send("GET", path, null);
    }

    HttpResponse<String> post(String path, String body) {
        return send("POST", path, body);
    }

    /** Sends one request; a {@code null} body sends none. */
    HttpResponse<String> send(String method, String path, String body) {
        return send(request(method, path, body));
    }

    /** Sends {@code request}, which a test built with {@link #newRequest} to add headers. */
    HttpResponse<String> send(HttpRequest request) {
        String name = request.method() + " " + request.uri().getPath();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + name, e);
        }
    }

    HttpRequest request(String method, String path, String body) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
        return newRequest(path).method(method, publisher).build();
    }

    /** Starts a request to {@code path} on this backend with the test timeout. */
    HttpRequest.Builder newRequest(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT);
    }

    /** Posts {@code formBody} as {@code application/x-www-form-urlencoded}, the way an HTML form does. */
    HttpResponse<String> postForm(String path, String formBody, String acceptLanguage) {
        HttpRequest.Builder request = newRequest(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody, StandardCharsets.UTF_8));
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        return send(request.build());
    }

    /** Creates a task through the JSON API and returns its id. */
    long createTask(String title) {
        String body = "{\"title\":" + ErrorStatsJson.MAPPER.valueToTree(title) + "}";
        HttpResponse<String> response = post(BackendRoutes.TASKS_PATH, body);
        if (response.statusCode() != 201) {
            throw new AssertionError("creating task " + title + " failed: " + response.statusCode() + " "
                    + response.body());
        }
        return json(response).path("id").asLong();
    }

    /** Returns the {@code /errors/stats} document of this backend. */
    JsonNode errorStats() {
        return json(get(BackendRoutes.ERROR_STATS_PATH));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return ErrorStatsJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("response body is not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
