package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bodies much larger than the socket buffers, so both directions hit the write-buffer limits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LargeTransferTest {

    private static final int SIZE = 8 * 1024 * 1024;

    private FakeBackend backend;
    private BalancerServer balancer;

    @BeforeEach
    void start() throws Exception {
        backend = FakeBackend.start();
        balancer = TestBalancers.start(TestBalancers.config(backend));
    }

    @AfterEach
    void stop() {
        balancer.stop();
        backend.close();
    }

    @Test
    void slowClientReceivesWholeDownload() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
            socket.setSoTimeout(10_000);
            socket.setReceiveBufferSize(16 * 1024);
            socket.getOutputStream().write(("GET /big?bytes=" + SIZE + " HTTP/1.1\r\nHost: a\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 4096);
            skipHead(in);

            // Pausing lets the balancer's buffers to the client fill, so it must stop reading the backend.
            Thread.sleep(300);
            for (int i = 0; i < SIZE; i++) {
                int b = in.read();
                if (b != (FakeBackend.pattern(i) & 0xFF)) {
                    throw new AssertionError("byte " + i + " is " + b + ", expected " + (FakeBackend.pattern(i) & 0xFF));
                }
            }
        }
    }

    @Test
    void largeUploadArrivesIntact() throws Exception {
        byte[] body = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            body[i] = FakeBackend.pattern(i);
        }
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: " + SIZE + "\r\n\r\n");
            writeBody(client, body);
            TestHttpClient.Response response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo(SIZE + " " + FakeBackend.checksum(Unpooled.wrappedBuffer(body)));
        }
    }

    @Test
    void clientLeavingMidResponseFreesBackendConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /big?bytes=" + SIZE + " HTTP/1.1\r\nHost: a\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().readNBytes(1024)).hasSize(1024);
        }

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/after").status()).isEqualTo(200);
        }
        assertThat(balancer.monitor().totalErrors()).isZero();
    }

    @Test
    void clientLeavingMidRequestIsCleanedUp() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(100));
            Await.until("the backend connection", Duration.ofSeconds(5), () -> backend.acceptedConnections() == 1);
        }

        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            assertThat(client.get("/after").status()).isEqualTo(200);
        }
        assertThat(backend.received("/count")).isEmpty();
    }

    @Test
    void expectContinueIsRelayed() throws Exception {
        try (TestHttpClient client = new TestHttpClient(balancer.port())) {
            client.send("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            TestHttpClient.Response interim = client.readResponse();
            client.send("hello");
            TestHttpClient.Response response = client.readResponse();

            assertThat(interim.status()).isEqualTo(100);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).startsWith("5 ");
        }
    }

    private static void skipHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head");
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static void writeBody(TestHttpClient client, byte[] body) throws IOException {
        client.send(new String(body, StandardCharsets.ISO_8859_1));
    }
}
