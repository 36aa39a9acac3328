package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scenario client against a stub balancer (the JDK's HTTP server on an ephemeral loopback port) whose
 * responses each test chooses, so that output formatting and failure handling are checked without the real stack.
 */
class ScenarioTest {

    private static final String COURSE_STATS = "{\"total_errors\": 3, \"error_types\": {\"500_INTERNAL_ERROR\": 1,"
            + " \"400_BAD_REQUEST\": 1, \"404_NOT_FOUND\": 1}, \"recent_errors\": []}";

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void printsOnlyTwoSpanishLines() throws IOException {
        URI url = startStub(400, 404, 500, 200, COURSE_STATS);

        ConsoleOutput output = run(url, Language.ES);

        assertThat(output.status()).isZero();
        assertThat(output.stdout()).isEqualTo("Total errores: 3" + System.lineSeparator()
                + "Tipos de errores: {'400_BAD_REQUEST': 1, '404_NOT_FOUND': 1, '500_INTERNAL_ERROR': 1}"
                + System.lineSeparator());
        assertThat(output.stderr()).isEmpty();
    }

    @Test
    void sendsThreeErrorRequestsThenReadsStats() throws IOException {
        URI url = startStub(400, 404, 500, 200, COURSE_STATS);

        run(url, Language.EN);

        assertThat(requests).containsExactly(
                "POST /api/tasks {}",
                "DELETE /api/tasks/999999 ",
                "POST /api/tasks/simulate-error {}",
                "GET /errors/stats ");
    }

    @Test
    void printsEnglishLines() throws IOException {
        URI url = startStub(400, 404, 500, 200,
                "{\"total_errors\": 1000, \"error_types\": {\"503_SERVICE_UNAVAILABLE\": 1000}}");

        ConsoleOutput output = run(url, Language.EN);

        assertThat(output.stdout().lines())
                .containsExactly("Total errors: 1000", "Error types: {'503_SERVICE_UNAVAILABLE': 1000}");
    }

    @Test
    void unexpectedStatusWarnsOnStderr() throws IOException {
        URI url = startStub(201, 404, 500, 200, COURSE_STATS);

        ConsoleOutput output = run(url, Language.EN);

        assertThat(output.status()).isZero();
        assertThat(output.stdout().lines()).hasSize(2);
        assertThat(output.stderr()).isEqualTo("Warning: POST /api/tasks returned 201, expected 400."
                + System.lineSeparator());
    }

    @Test
    void invalidStatsBodyFails() throws IOException {
        URI url = startStub(400, 404, 500, 200, "<html>oops</html>");

        ConsoleOutput output = run(url, Language.EN);

        assertThat(output.status()).isEqualTo(1);
        assertThat(output.stdout()).isEmpty();
        assertThat(output.stderr().lines()).singleElement(STRING)
                .startsWith(url.resolve("/errors/stats") + " did not return error statistics: body is not JSON");
    }

    @Test
    void statsErrorStatusFails() throws IOException {
        URI url = startStub(400, 404, 500, 503, "{}");

        ConsoleOutput output = run(url, Language.ES);

        assertThat(output.status()).isEqualTo(1);
        assertThat(output.stdout()).isEmpty();
        assertThat(output.stderr()).isEqualTo(url.resolve("/errors/stats")
                + " no devolvió estadísticas de errores: HTTP 503" + System.lineSeparator());
    }

    @Test
    void unreachableBalancerFailsWithOneLine() throws IOException {
        URI url = URI.create("http://127.0.0.1:" + freePort());

        ConsoleOutput output = run(url, Language.EN);

        assertThat(output.status()).isEqualTo(1);
        assertThat(output.stdout()).isEmpty();
        assertThat(output.stderr()).isEqualTo("Cannot connect to the balancer at " + url
                + ". Start the stack with: mvn -q -pl it exec:java -Dexec.args=demo" + System.lineSeparator());
    }

    /** Starts a stub that responds to the three scenario requests and the stats request with the given statuses. */
    private URI startStub(int createStatus, int deleteStatus, int simulateStatus, int statsStatus, String statsBody)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            requests.add(method + " " + path + " " + body);
            if (path.equals("/errors/stats")) {
                respond(exchange, statsStatus, statsBody);
            } else if (path.equals("/api/tasks/simulate-error")) {
                respond(exchange, simulateStatus, "{}");
            } else if (method.equals("DELETE")) {
                respond(exchange, deleteStatus, "{}");
            } else {
                respond(exchange, createStatus, "{}");
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Returns a loopback port that was free a moment ago and has nothing listening on it now. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static ConsoleOutput run(URI url, Language language) {
        return ConsoleOutput.capture((out, err) -> Scenario.run(url, language, out, err));
    }
}
