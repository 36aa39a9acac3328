package io.vigia.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Blocking HTTP/1.1 client for the integration tests, with timeouts so that a stuck server fails the test
 * instead of hanging it. Thread-safe: the underlying {@link HttpClient} is shared by the client threads of a test.
 */
final class Http {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();

    HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build());
    }

    HttpResponse<String> postJson(URI uri, String json) {
        return send(HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    HttpResponse<String> delete(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).DELETE().build());
    }

    /**
     * Sends {@code GET requestTarget} over a plain socket to the server of {@code origin} and returns the status
     * code. Unlike {@link HttpClient}, which rejects a URI with characters such as {@code <} or {@code "}, this
     * sends the request target byte for byte as given, so it reaches the server as a client that does not
     * encode its paths would send it. {@code requestTarget} must not contain spaces or line breaks.
     */
    static int rawGet(URI origin, String requestTarget) {
        String request = "GET " + requestTarget + " HTTP/1.1\r\n"
                + "Host: " + origin.getHost() + ":" + origin.getPort() + "\r\n"
                + "Connection: close\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(origin.getHost(), origin.getPort()),
                    (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return statusCode(socket.getInputStream(), requestTarget);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + requestTarget + " to " + origin + " failed", e);
        }
    }

    /** Reads the whole response, which ends when the server closes the connection, and returns its status. */
    private static int statusCode(InputStream in, String requestTarget) throws IOException {
        String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        String[] statusLine = response.lines().findFirst().orElse("").split(" ");
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new AssertionError("GET " + requestTarget + " got no HTTP status line: " + response);
        }
        return Integer.parseInt(statusLine[1]);
    }

    /** Sends {@code GET uri}, checks for 200 and parses the body as JSON. */
    JsonNode getJson(URI uri) {
        HttpResponse<String> response = get(uri);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + uri + " returned " + response.statusCode() + ": " + response.body());
        }
        return json(response.body());
    }

    static JsonNode json(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("response body is not JSON: " + body, e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }
}
