package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A steady keep-alive GET load through the balancer process while one of the two backend processes is killed
 * with SIGKILL and restarted on the same port, three times. Every GET must succeed, because the balancer
 * retries idempotent requests and fails over. The balancer must count exactly the errors the clients saw,
 * which are a known number of deliberate 404s. {@link Cluster#close()} then fails the test on any Netty leak
 * report, since every child JVM runs with paranoid leak detection.
 */
class LoadFaultIT {

    private static final int CONNECTIONS = 8;
    private static final int KILL_CYCLES = 3;
    /** Pause between two requests of one connection, so the load leaves CPU for restarting a backend JVM. */
    private static final long REQUEST_INTERVAL_MILLIS = 10;
    /** Every connection requests a missing page when its request number is a multiple of this. */
    private static final int NOT_FOUND_EVERY = 25;
    private static final String OK_PATH = "/info";
    private static final String MISSING_PATH = "/no-such-page";
    /** Requests that must complete between two faults, so that each phase really carries load. */
    private static final int REQUESTS_PER_PHASE = 100;
    /** Shortest phase between two faults. Seven phases make about 15 s of load on an idle machine. */
    private static final Duration MIN_PHASE_DURATION = Duration.ofMillis(1_500);
    /** Upper bound on each connection's requests, so the load stops even if the test logic misbehaves. */
    private static final int MAX_REQUESTS_PER_CONNECTION = 20_000;
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    private Cluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = Cluster.start("load-fault", directory);
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void backendKilledUnderLoadLosesNoRequest() throws Exception {
        LoadGenerator load = new LoadGenerator(cluster.balancerUri("/").getPort());
        load.start();
        try {
            awaitProgress(load, "before the first kill");
            for (int cycle = 1; cycle <= KILL_CYCLES; cycle++) {
                cluster.killBackend(0);
                cluster.awaitState(0, "DOWN", Cluster.DOWN_DEADLINE);
                awaitProgress(load, "with backend 1 DOWN, cycle " + cycle);

                cluster.restartBackend(0, Cluster.START_TIMEOUT);
                cluster.awaitHealthy(0, Cluster.UP_DEADLINE);
                awaitProgress(load, "after the restart, cycle " + cycle);
            }
        } finally {
            load.stop();
        }
        System.out.printf("load: %d requests, %d deliberate 404s, by upstream %s%n", load.completed(),
                load.notFoundSent(), load.upstreams());

        assertThat(load.failures()).as("failed requests").isEmpty();
        assertThat(load.unexpectedStatuses()).as("unexpected statuses").isEmpty();
        assertThat(load.completed()).isGreaterThanOrEqualTo(REQUESTS_PER_PHASE * (2L * KILL_CYCLES + 1));
        assertThat(load.notFoundReceived()).isEqualTo(load.notFoundSent());
        assertThat(load.notFoundSent()).isPositive();
        assertThat(load.upstreams()).containsOnlyKeys(cluster.backendId(0), cluster.backendId(1));

        JsonNode stats = new Http().getJson(cluster.balancerUri("/errors/stats"));
        assertThat(stats.path("total_errors").asLong()).isEqualTo(load.notFoundReceived());
        assertThat(stats.path("error_types").size()).as("error types: %s", stats.path("error_types")).isEqualTo(1);
        assertThat(stats.path("error_types").path("404_NOT_FOUND").asLong()).isEqualTo(load.notFoundReceived());
        for (int backend = 0; backend < Cluster.BACKEND_COUNT; backend++) {
            assertThat(cluster.backendStatus(backend).path("state").asText()).as("state of backend %d", backend + 1)
                    .isEqualTo("UP");
        }
    }

    /** Waits until {@link #REQUESTS_PER_PHASE} more requests completed and {@link #MIN_PHASE_DURATION} passed. */
    private static void awaitProgress(LoadGenerator load, String phase) {
        long target = load.completed() + REQUESTS_PER_PHASE;
        long earliestEndNanos = System.nanoTime() + MIN_PHASE_DURATION.toNanos();
        Await.until(REQUESTS_PER_PHASE + " requests " + phase, PHASE_TIMEOUT,
                () -> load.completed() >= target && System.nanoTime() - earliestEndNanos >= 0);
    }

    /**
     * {@link #CONNECTIONS} threads, each sending GETs one after another over its own keep-alive connection to
     * the balancer, until stopped. A transport failure is recorded and the thread connects again. A response
     * with {@code Connection: close} only makes it connect again.
     */
    private static final class LoadGenerator {
        private final int port;
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicLong completed = new AtomicLong();
        private final AtomicInteger notFoundSent = new AtomicInteger();
        private final AtomicInteger notFoundReceived = new AtomicInteger();
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final List<String> unexpectedStatuses = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, AtomicLong> upstreams = new ConcurrentHashMap<>();

        LoadGenerator(int port) {
            this.port = port;
        }

        void start() {
            for (int i = 0; i < CONNECTIONS; i++) {
                Thread thread = new Thread(this::run, "load-" + i);
                threads.add(thread);
                thread.start();
            }
        }

        void stop() throws InterruptedException {
            stopped.set(true);
            for (Thread thread : threads) {
                thread.join(READ_TIMEOUT.toMillis() * 2);
            }
        }

        long completed() {
            return completed.get();
        }

        int notFoundSent() {
            return notFoundSent.get();
        }

        int notFoundReceived() {
            return notFoundReceived.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        List<String> unexpectedStatuses() {
            return List.copyOf(unexpectedStatuses);
        }

        Map<String, AtomicLong> upstreams() {
            return Map.copyOf(upstreams);
        }

        private void run() {
            Connection connection = null;
            for (int i = 1; i <= MAX_REQUESTS_PER_CONNECTION && !stopped.get(); i++) {
                boolean missing = i % NOT_FOUND_EVERY == 0;
                String path = missing ? MISSING_PATH : OK_PATH;
                try {
                    if (connection == null) {
                        connection = new Connection(port);
                    }
                    if (missing) {
                        notFoundSent.incrementAndGet();
                    }
                    Response response = connection.get(path);
                    record(path, response);
                    if (response.closesConnection()) {
                        connection.close();
                        connection = null;
                    }
                } catch (IOException e) {
                    failures.add("GET " + path + ": " + e);
                    closeQuietly(connection);
                    connection = null;
                }
                completed.incrementAndGet();
                pause();
            }
            closeQuietly(connection);
        }

        private void record(String path, Response response) {
            int expected = path.equals(MISSING_PATH) ? 404 : 200;
            if (response.status() != expected) {
                unexpectedStatuses.add("GET " + path + " -> " + response.status() + " " + response.body());
            } else if (expected == 404) {
                notFoundReceived.incrementAndGet();
            }
            String upstream = response.headers().getOrDefault("x-upstream-server", "none");
            upstreams.computeIfAbsent(upstream, key -> new AtomicLong()).incrementAndGet();
        }

        private static void pause() {
            try {
                Thread.sleep(REQUEST_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void closeQuietly(Connection connection) {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** One response. Header names are lower-case, and a repeated header keeps its last value. */
    private record Response(int status, Map<String, String> headers, String body) {
        boolean closesConnection() {
            return "close".equalsIgnoreCase(headers.get("connection"));
        }
    }

    /** A blocking keep-alive HTTP/1.1 connection that reads responses framed by Content-Length or chunked. */
    private static final class Connection {
        private final Socket socket = new Socket();
        private final InputStream in;
        private final OutputStream out;

        Connection(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) READ_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        Response get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = readLine();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new HashMap<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            return new Response(status, headers, readBody(headers));
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing a socket that failed already has nothing left to report.
            }
        }

        private String readBody(Map<String, String> headers) throws IOException {
            String length = headers.get("content-length");
            if (length != null) {
                return new String(readExactly(Integer.parseInt(length)), StandardCharsets.UTF_8);
            }
            if (!"chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                throw new IOException("response without Content-Length or chunked framing: " + headers);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                body.write(readExactly(size));
                readLine();
            }
            while (!readLine().isEmpty()) {
                // Trailer fields are not used.
            }
            return body.toString(StandardCharsets.UTF_8);
        }

        private int chunkSize() throws IOException {
            return Integer.parseInt(readLine().split(";")[0].trim(), 16);
        }

        private byte[] readExactly(int length) throws IOException {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("body truncated after " + bytes.length + " of " + length + " bytes");
            }
            return bytes;
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("connection closed inside a response");
                }
                line.write(b);
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
    }
}
