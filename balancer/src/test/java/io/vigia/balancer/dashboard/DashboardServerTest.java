package io.vigia.balancer.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.core.ErrorStatsJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard served by a real Netty server on a loopback port, queried over real sockets. */
class DashboardServerTest {

    private static final Duration EVENT_DEADLINE = Duration.ofSeconds(1);

    private final FakeSnapshotSource source = new FakeSnapshotSource();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private DashboardTestServer server;

    @BeforeEach
    void startServer() throws InterruptedException {
        server = DashboardTestServer.start(source);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void pageIsSpanishWhenClientPrefersSpanish() throws Exception {
        HttpResponse<String> response = get("/dashboard", "es-CL,es;q=0.9");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("<html lang=\"es\">");
        assertThat(response.body()).contains("Panel de errores en vivo");
        assertThat(response.body()).contains("Última sonda");
        assertThat(response.headers().firstValue("vary")).hasValue("accept-language");
    }

    @Test
    void pageIsEnglishOtherwise() throws Exception {
        for (String acceptLanguage : new String[] {"en-US,en;q=0.9", "fr-FR", null}) {
            HttpResponse<String> response = get("/dashboard", acceptLanguage);

            assertThat(response.statusCode()).as(acceptLanguage).isEqualTo(200);
            assertThat(response.body()).as(acceptLanguage).contains("<html lang=\"en\">");
            assertThat(response.body()).as(acceptLanguage).contains("Live error dashboard");
        }
    }

    @Test
    void pageHasStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> response = get("/dashboard/", null);

        String policy = response.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(policy).contains("default-src 'none'");
        assertThat(policy).contains("script-src 'self'");
        assertThat(policy).contains("style-src 'self'");
        assertThat(policy).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(response.body()).contains("<script src=\"/dashboard/app.js\" defer></script>");
        assertThat(response.body()).doesNotContain("<script>").doesNotContain("style=");
    }

    @Test
    void scriptStyleAndIconHaveContentTypes() throws Exception {
        HttpResponse<String> script = get("/dashboard/app.js", null);
        HttpResponse<String> style = get("/dashboard/app.css", null);
        HttpResponse<String> icon = get("/dashboard/favicon.svg", null);

        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("new EventSource('/dashboard/events')");
        assertThat(style.statusCode()).isEqualTo(200);
        assertThat(style.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("content-type")).hasValue("image/svg+xml");
        assertThat(script.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    }

    @Test
    void headRequestGetsHeadersWithoutBody() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/dashboard/app.css"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(5))
                .build();

        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("content-length").orElse(0)).isPositive();
        assertThat(response.body()).isEmpty();
    }

    @Test
    void snapshotReturnsSourceJson() throws Exception {
        source.addError();

        HttpResponse<String> response = get("/dashboard/snapshot", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        JsonNode snapshot = ErrorStatsJson.MAPPER.readTree(response.body());
        assertThat(snapshot.path("status").path("backends").get(0).path("id").asText()).isEqualTo("127.0.0.1:5001");
        assertThat(snapshot.path("errors").path("total_errors").asLong()).isEqualTo(1);
        assertThat(snapshot.path("errors").path("recent_errors").get(0).path("endpoint").asText())
                .isEqualTo("/<script>alert(1)</script>");
        assertThat(snapshot.path("time").asText()).isEqualTo("2026-01-02T03:04:05.678Z");
    }

    @Test
    void snapshotFailureIsServerError() throws Exception {
        source.setFailing(true);

        HttpResponse<String> response = get("/dashboard/snapshot", null);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("dashboard snapshot failed");
    }

    @Test
    void unknownSubPathIsNotFound() throws Exception {
        HttpResponse<String> response = get("/dashboard/nope", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(ErrorStatsJson.MAPPER.readTree(response.body()).path("type").asText()).isEqualTo("404_NOT_FOUND");
    }

    @Test
    void otherPathsReachNextHandler() throws Exception {
        HttpResponse<String> response = get("/api/tasks", null);

        assertThat(response.statusCode()).isEqualTo(DashboardTestServer.FALLBACK_STATUS.code());
    }

    @Test
    void postIsMethodNotAllowed() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/dashboard/snapshot"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\":1}"))
                .timeout(Duration.ofSeconds(5))
                .build();

        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
    }

    @Test
    void eventStreamSendsFirstSnapshotAtOnce() throws Exception {
        try (SseTestClient stream = SseTestClient.open(server.port(), "/dashboard/events")) {
            String first = stream.nextEvent(EVENT_DEADLINE);

            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("content-type")).isEqualTo("text/event-stream; charset=utf-8");
            assertThat(stream.header("cache-control")).isEqualTo("no-cache");
            assertThat(stream.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(stream.header("content-length")).isNull();
            assertThat(first).isNotNull().startsWith("event: snapshot\ndata: {");
            assertThat(snapshotOf(first).path("status").path("listen").asText()).isEqualTo("127.0.0.1:8080");
        }
    }

    @Test
    void eventStreamPushesAfterVersionChange() throws Exception {
        try (SseTestClient stream = SseTestClient.open(server.port(), "/dashboard/events")) {
            assertThat(stream.nextEvent(EVENT_DEADLINE)).isNotNull();

            source.addError();
            String update = stream.nextEvent(EVENT_DEADLINE);

            assertThat(update).isNotNull();
            JsonNode errors = snapshotOf(update).path("errors");
            assertThat(errors.path("total_errors").asLong()).isEqualTo(1);
            assertThat(errors.path("recent_errors").get(0).path("message").asText())
                    .isEqualTo("line one\nline two \"quoted\"");
        }
    }

    @Test
    void eventStreamIsQuietWhileVersionUnchanged() throws Exception {
        try (SseTestClient stream = SseTestClient.open(server.port(), "/dashboard/events")) {
            assertThat(stream.nextEvent(EVENT_DEADLINE)).isNotNull();

            String unexpected = stream.nextBlock(Duration.ofMillis(1_100));

            assertThat(unexpected).isNull();
        }
    }

    @Test
    void disconnectedClientLeavesHub() throws Exception {
        DashboardEventHub hub = server.dashboard().hub();
        try (SseTestClient staying = SseTestClient.open(server.port(), "/dashboard/events")) {
            SseTestClient leaving = SseTestClient.open(server.port(), "/dashboard/events");
            assertThat(leaving.nextEvent(EVENT_DEADLINE)).isNotNull();
            assertThat(staying.nextEvent(EVENT_DEADLINE)).isNotNull();
            awaitTrue(() -> hub.streamCount() == 2, "two streams registered");

            leaving.close();

            awaitTrue(() -> hub.streamCount() == 1, "closed stream removed");
            source.addError();
            assertThat(staying.nextEvent(EVENT_DEADLINE)).isNotNull();
        }
        awaitTrue(() -> hub.streamCount() == 0, "last stream removed");
    }

    @Test
    void stopEndsOpenStreams() throws Exception {
        try (SseTestClient stream = SseTestClient.open(server.port(), "/dashboard/events")) {
            assertThat(stream.nextEvent(EVENT_DEADLINE)).isNotNull();

            server.dashboard().stop().await(5_000);

            assertThat(stream.nextBlock(Duration.ofSeconds(5))).isEqualTo(SseTestClient.END_OF_STREAM);
        }
    }

    private HttpResponse<String> get(String path, String acceptLanguage) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).GET();
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static JsonNode snapshotOf(String event) throws IOException {
        String prefix = "event: snapshot\ndata: ";
        assertThat(event).startsWith(prefix);
        return ErrorStatsJson.MAPPER.readTree(event.substring(prefix.length()));
    }

    private static void awaitTrue(BooleanSupplier condition, String description) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 5 s waiting for: " + description);
            }
            Thread.sleep(20);
        }
    }
}
