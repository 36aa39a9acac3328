package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Size limits, client timeouts, the idle timeout and the connection limit, over real sockets. */
class ClientLimitsTest {

    private FakeBackend backend;
    private BalancerServer balancer;

    @BeforeEach
    void startBackend() throws Exception {
        backend = FakeBackend.start();
    }

    @AfterEach
    void stop() {
        if (balancer != null) {
            balancer.stop();
        }
        backend.close();
    }

    @Test
    void longRequestLineGets414() throws Exception {
        start(limits -> limits.withMaxRequestLineBytes(1024));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /" + "a".repeat(2_000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(414);
            assertThat(response.json().get("type").asText()).isEqualTo("414_URI_TOO_LONG");
            assertThat(response.json().get("error").asText())
                    .isEqualTo("request line too long: the maximum is 1024 bytes");
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertRecorded(414, ErrorCause.URI_TOO_LONG, "request line too long: the maximum is 1024 bytes");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void requestLineAtLimitPasses() throws Exception {
        start(limits -> limits.withMaxRequestLineBytes(1024));
        String target = "/" + "a".repeat(1024 - "GET  HTTP/1.1".length() - 1);

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get(target).status()).isEqualTo(200);
        }
    }

    @Test
    void largeHeaderSectionGets431() throws Exception {
        start(limits -> limits.withMaxHeaderBytes(1024));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET / HTTP/1.1\r\nHost: a\r\nX-A: " + "a".repeat(600) + "\r\nX-B: " + "b".repeat(600)
                    + "\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(431);
            assertThat(response.json().get("type").asText()).isEqualTo("431_REQUEST_HEADER_FIELDS_TOO_LARGE");
            assertThat(response.json().get("error").asText())
                    .isEqualTo("request header section too large: the maximum is 1024 bytes");
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertRecorded(431, ErrorCause.HEADERS_TOO_LARGE,
                "request header section too large: the maximum is 1024 bytes");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void declaredLargeBodyGets413BeforeForwarding() throws Exception {
        start(limits -> limits.withMaxBodyBytes(1_000));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\nExpect: 100-continue\r\n\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.json().get("error").asText()).contains("1001").contains("1000");
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertRecorded(413, ErrorCause.CONTENT_TOO_LARGE, "Content-Length 1001");
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void rejectionReachesClientStillSendingBody() throws Exception {
        start(limits -> limits.withMaxBodyBytes(1_000));

        for (int attempt = 0; attempt < 5; attempt++) {
            try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
                socket.setSoTimeout(5_000);
                Thread uploader = startUpload(socket,
                        "POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 8000000\r\n\r\n");
                InputStream in = socket.getInputStream();
                // Like a client busy uploading, read only once the balancer has had time to close.
                Thread.sleep(300);

                assertThat(readHead(in)).as("attempt %d", attempt).startsWith("HTTP/1.1 413");
                uploader.join(10_000);
            }
        }
    }

    @Test
    void bodyAtLimitPasses() throws Exception {
        start(limits -> limits.withMaxBodyBytes(1_000));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response fixed = client.request("POST", "/count", "x".repeat(1_000));
            client.send("POST /count HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "1f4\r\n" + "y".repeat(500) + "\r\n1f4\r\n" + "z".repeat(500) + "\r\n0\r\n\r\n");
            TestHttpClient.Response chunked = client.readResponse();

            assertThat(fixed.status()).isEqualTo(200);
            assertThat(fixed.text()).startsWith("1000 ");
            assertThat(chunked.status()).isEqualTo(200);
            assertThat(chunked.text()).startsWith("1000 ");
        }
    }

    @Test
    void growingChunkedBodyIsCutWith413() throws Exception {
        start(limits -> limits.withMaxBodyBytes(1_000));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /count HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "258\r\n" + "y".repeat(600) + "\r\n");
            Await.until("the request at the backend", Duration.ofSeconds(5), () -> backend.acceptedConnections() == 1);
            client.send("258\r\n" + "z".repeat(600) + "\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(413);
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertRecorded(413, ErrorCause.CONTENT_TOO_LARGE, "chunked body");
        assertThat(backend.received("/count")).isEmpty();
    }

    @Test
    void slowRequestHeadGets408() throws Exception {
        start(limits -> limits.withClientHeaderTimeoutMillis(300));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("GET /slow-head HTTP/1.1\r\nHost: a\r\n");
            long startNanos = System.nanoTime();
            TestHttpClient.Response response = client.readResponse();
            long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;

            assertThat(response.status()).isEqualTo(408);
            assertThat(elapsedMillis).isBetween(200L, 4_000L);
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertRecorded(408, ErrorCause.REQUEST_TIMEOUT, "request head");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void headerTimeoutAppliesToLaterRequestHeads() throws Exception {
        start(limits -> limits.withClientHeaderTimeoutMillis(300));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/first").status()).isEqualTo(200);
            client.send("GET /second HTTP/1.1\r\n");
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(408);
        }
    }

    @Test
    void silentConnectionClosesWithoutResponse() throws Exception {
        start(limits -> limits.withClientHeaderTimeoutMillis(300));

        try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
            socket.setSoTimeout(5_000);

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void stalledBodyGets408() throws Exception {
        start(limits -> limits.withClientBodyTimeoutMillis(300));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" + "x".repeat(10));
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(408);
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertRecorded(408, ErrorCause.REQUEST_TIMEOUT, "request body");
        assertThat(backend.received("/count")).isEmpty();
    }

    @Test
    void steadyBodySlowerThanTimeoutOverallPasses() throws Exception {
        start(limits -> limits.withClientBodyTimeoutMillis(1_000));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n");
            for (int i = 0; i < 6; i++) {
                Thread.sleep(250);
                client.send("x");
            }
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).startsWith("6 ");
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        start(limits -> limits.withIdleTimeoutMillis(300));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/first").status()).isEqualTo(200);
            long startNanos = System.nanoTime();

            assertThat(client.isClosedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(4));
        }
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void requestLongerThanIdleTimeoutIsNotCut() throws Exception {
        start(limits -> limits.withIdleTimeoutMillis(1_000));

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            TestHttpClient.Response slow = client.get("/slow?ms=2500");
            TestHttpClient.Response next = client.get("/next");

            assertThat(slow.status()).isEqualTo(200);
            assertThat(next.status()).isEqualTo(200);
        }
    }

    @Test
    void eventStreamOutlivesIdleTimeout() throws Exception {
        start(limits -> limits.withIdleTimeoutMillis(200));

        try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
            socket.setSoTimeout(1_500);
            socket.getOutputStream().write("GET /dashboard/events HTTP/1.1\r\nHost: a\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");

            long deadline = System.nanoTime() + Duration.ofMillis(1_200).toNanos();
            while (System.nanoTime() < deadline) {
                assertThat(readOrTimeout(in)).as("stream still open").isNotEqualTo(-1);
            }
        }
    }

    @Test
    void connectionOverLimitGets503() throws Exception {
        start(limits -> limits.withMaxConnections(2));

        try (TestHttpClient first = new TestHttpClient(balancer.port());
             TestHttpClient second = new TestHttpClient(balancer.port())) {
            assertThat(first.get("/one").status()).isEqualTo(200);
            assertThat(second.get("/two").status()).isEqualTo(200);
            try (TestHttpClient third = new TestHttpClient(balancer.port())) {
                TestHttpClient.Response rejected = third.readResponse();

                assertThat(rejected.status()).isEqualTo(503);
                assertThat(rejected.header("Connection")).isEqualTo("close");
                assertThat(third.isClosedByServer()).isTrue();
            }
        }
        assertRecorded(503, ErrorCause.CONNECTION_LIMIT, "maximum of 2");

        Await.until("a free connection slot", Duration.ofSeconds(5), this::acceptsRequest);
    }

    @Test
    void connectionLimit503LingersForClientStillSending() throws Exception {
        start(limits -> limits.withMaxConnections(1));

        try (TestHttpClient holder = new TestHttpClient(balancer.port())) {
            assertThat(holder.get("/one").status()).isEqualTo(200);
            assertLingeringRejection();
        }
    }

    /** Opens a connection over the limit, reads its 503 and then keeps sending, as a client mid-upload would. */
    private void assertLingeringRejection() throws Exception {
        try (Socket rejected = new Socket("127.0.0.1", balancer.port())) {
            rejected.setSoTimeout(5_000);
            InputStream in = rejected.getInputStream();
            OutputStream out = rejected.getOutputStream();
            String head = readHead(in);
            in.readNBytes(contentLength(head));

            assertThat(head).startsWith("HTTP/1.1 503");
            assertThat(readEndOfStream(in)).isEqualTo("end of stream");
            // A connection closed outright sends a reset in reply to the first write, so the next write fails.
            // A lingering one reads and drops up to 64 KiB for 2 s.
            byte[] part = new byte[8 * 1024];
            for (int write = 0; write < 3; write++) {
                assertThat(tryWrite(out, part)).as("write %d after the 503", write).isEqualTo("written");
                Thread.sleep(200);
            }
        }
    }

    private static String tryWrite(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return "written";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        throw new AssertionError("no Content-Length in " + head);
    }

    /** Reads past the response: "end of stream", or what came instead, such as a reset. */
    private static String readEndOfStream(InputStream in) {
        try {
            int next = in.read();
            return next == -1 ? "end of stream" : "one more byte: " + next;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private boolean acceptsRequest() {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            return client.get("/later").status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private void start(UnaryOperator<ClientLimits> limits) throws BalancerStartException {
        ClientLimits applied = limits.apply(ClientLimits.defaults());
        balancer = TestBalancers.start(TestBalancers.config(backend).clientLimits(applied));
    }

    private void assertRecorded(int status, ErrorCause cause, String messagePart) {
        ErrorRecord record = balancer.monitor().snapshot().recentErrors().get(0);
        assertThat(record.status()).isEqualTo(status);
        assertThat(record.cause()).isEqualTo(cause);
        assertThat(record.message()).contains(messagePart);
    }

    /** Writes {@code head} and then body bytes until the connection fails, on a daemon thread. */
    private static Thread startUpload(Socket socket, String head) {
        Thread uploader = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[16 * 1024];
                for (int i = 0; i < 8_000_000 / chunk.length; i++) {
                    out.write(chunk);
                }
            } catch (IOException expected) {
                // The balancer stops reading the body and closes the connection.
            }
        }, "uploader");
        uploader.setDaemon(true);
        uploader.start();
        return uploader;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static int readOrTimeout(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }
}
