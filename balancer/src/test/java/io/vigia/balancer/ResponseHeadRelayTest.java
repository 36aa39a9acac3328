package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks when the balancer relays a response head. The balancer keeps the head back until the backend
 * read that carried it ends, so that a body in the same read leaves together with it. A head whose body
 * comes later must still reach the client without waiting for that body.
 */
class ResponseHeadRelayTest {

    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n";

    private ServerSocket backendSocket;
    private BalancerServer balancer;
    private final CountDownLatch releaseBody = new CountDownLatch(1);
    private final CompletableFuture<Void> backendDone = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        backendSocket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread backendThread = new Thread(this::serveOneSlowBody, "slow-body-backend");
        backendThread.setDaemon(true);
        backendThread.start();
        balancer = TestBalancers.start(TestBalancers.config(
                new BackendAddress("127.0.0.1", backendSocket.getLocalPort())));
    }

    @AfterEach
    void stop() throws IOException {
        releaseBody.countDown();
        balancer.stop();
        backendSocket.close();
    }

    @Test
    void headArrivesBeforeDelayedBody() throws Exception {
        try (Socket client = new Socket("127.0.0.1", balancer.port())) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();

            String head = readHead(in);
            releaseBody.countDown();
            byte[] body = in.readNBytes(5);

            assertThat(head).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("content-length: 5");
            assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo("hello");
        }
        backendDone.get(5, TimeUnit.SECONDS);
    }

    /** Serves one request: the head at once, the body only after the test has read the head. */
    private void serveOneSlowBody() {
        try (Socket connection = backendSocket.accept()) {
            readHead(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (!releaseBody.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the client never received the response head");
            }
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            backendDone.complete(null);
            // Keeps the connection open until the balancer is done with it.
            connection.getInputStream().read();
        } catch (Exception e) {
            backendDone.completeExceptionally(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the head after " + head.size() + " bytes");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
