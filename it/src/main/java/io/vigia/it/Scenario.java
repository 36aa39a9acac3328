package io.vigia.it;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * Error-scenario client: through the balancer it sends one request that fails with 400, one with 404 and one
 * with 500, then reads {@code GET /errors/stats} and prints the total and the per-bucket counts, for example
 * <pre>
 * Total errores: 3
 * Tipos de errores: {'400_BAD_REQUEST': 1, '404_NOT_FOUND': 1, '500_INTERNAL_ERROR': 1}
 * </pre>
 * Those two lines are all it writes to standard output. The counts are the balancer's, so on a balancer that
 * has already seen errors they are higher. Warnings and failures go to standard error.
 *
 * <p>{@link #run} blocks the calling thread until the four requests are done; an instance is used by one thread.
 */
public final class Scenario {

    /** Address of the balancer that the demo starts. */
    public static final URI DEFAULT_BALANCER_URL = URI.create("http://127.0.0.1:8080");

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** One request of the scenario and the status it is meant to produce. */
    private record Step(String method, String path, String jsonBody, int expectedStatus) {
    }

    private static final List<Step> STEPS = List.of(
            new Step("POST", "/api/tasks", "{}", 400),
            new Step("DELETE", "/api/tasks/999999", null, 404),
            new Step("POST", "/api/tasks/simulate-error", "{}", 500));

    private final URI balancerUrl;
    private final Messages messages;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient client;

    private Scenario(URI balancerUrl, Language language, PrintStream out, PrintStream err) {
        this.balancerUrl = balancerUrl;
        this.messages = Messages.of(language);
        this.out = out;
        this.err = err;
        // HTTP/1.1 explicitly: the default HTTP/2 setting would add an h2c upgrade to plain-HTTP requests.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /**
     * Runs the scenario against the balancer at {@code balancerUrl} (scheme, host and port; any path is ignored).
     *
     * @return 0 when the statistics were printed, 1 when the balancer could not be reached or returned
     *     something other than error statistics
     */
    public static int run(URI balancerUrl, Language language, PrintStream out, PrintStream err) {
        return new Scenario(balancerUrl, language, out, err).run();
    }

    private int run() {
        try {
            for (Step step : STEPS) {
                send(step);
            }
            ErrorSummary summary = fetchSummary();
            out.println(messages.format("scenario.total", Long.toString(summary.totalErrors())));
            out.println(messages.format("scenario.types", PythonRepr.dict(summary.errorTypes())));
            return 0;
        } catch (ConnectException | HttpConnectTimeoutException e) {
            err.println(messages.format("scenario.unreachable", balancerUrl));
        } catch (HttpTimeoutException e) {
            err.println(messages.format("scenario.timeout", balancerUrl, Long.toString(REQUEST_TIMEOUT.toSeconds())));
        } catch (IOException e) {
            err.println(messages.format("scenario.failed", balancerUrl, describe(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(messages.format("scenario.interrupted", balancerUrl));
        } catch (InvalidStatsException e) {
            err.println(messages.format("scenario.invalid.stats", e.url, e.getMessage()));
        }
        return 1;
    }

    private void send(Step step) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body = step.jsonBody() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(step.jsonBody());
        HttpRequest request = newRequest(step.path())
                .header("Content-Type", "application/json")
                .method(step.method(), body)
                .build();

        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != step.expectedStatus()) {
            err.println(messages.format("scenario.unexpected.status", step.method(), step.path(),
                    Integer.toString(status), Integer.toString(step.expectedStatus())));
        }
    }

    private ErrorSummary fetchSummary() throws IOException, InterruptedException, InvalidStatsException {
        HttpRequest request = newRequest("/errors/stats").GET().build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new InvalidStatsException(request.uri(), "HTTP " + response.statusCode());
        }
        try {
            return ErrorSummary.parse(response.body());
        } catch (IllegalArgumentException e) {
            throw new InvalidStatsException(request.uri(), e.getMessage());
        }
    }

    private HttpRequest.Builder newRequest(String path) {
        return HttpRequest.newBuilder(balancerUrl.resolve(path)).timeout(REQUEST_TIMEOUT);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Response to {@code /errors/stats} that is not error statistics: a non-200 status or an invalid body. */
    private static final class InvalidStatsException extends Exception {
        private final URI url;

        InvalidStatsException(URI url, String reason) {
            super(reason, null, false, false);
            this.url = url;
        }
    }
}
