package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.core.ErrorStatsJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request rejected while its client is still sending the body. The client must read the whole error
 * response and then an orderly end of stream, not a connection reset. The balancer half-closes the connection
 * and drains the input for a bounded time and number of bytes before it closes.
 */
class RejectedUploadCloseTest {

    private static final int BODY_LIMIT_BYTES = 1_000;
    /** Part of the body sent before the client reads: less than the drain limit, more than one socket read. */
    private static final int SENT_BODY_BYTES = 32 * 1024;

    private FakeBackend backend;
    private BalancerServer balancer;

    @BeforeEach
    void start() throws Exception {
        backend = FakeBackend.start();
        ClientLimits limits = ClientLimits.defaults().withMaxBodyBytes(BODY_LIMIT_BYTES);
        balancer = TestBalancers.start(TestBalancers.config(backend).clientLimits(limits));
    }

    @AfterEach
    void stop() {
        balancer.stop();
        backend.close();
    }

    @Test
    void declaredTooLargeBodyGetsReadable413() throws Exception {
        String head = "POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 8000000\r\n\r\n";

        JsonNode error = sendPartAndReadRejection(head, new byte[SENT_BODY_BYTES], 413);

        assertThat(error.get("error").asText()).contains("Content-Length 8000000");
        assertThat(backend.acceptedConnections()).isZero();
    }

    @Test
    void growingChunkedBodyGetsReadable413() throws Exception {
        String head = "POST /count HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(SENT_BODY_BYTES) + "\r\n";

        JsonNode error = sendPartAndReadRejection(head, new byte[SENT_BODY_BYTES], 413);

        assertThat(error.get("error").asText()).contains("chunked body exceeds");
        assertThat(backend.received("/count")).isEmpty();
    }

    @Test
    void malformedHeadGetsReadable400() throws Exception {
        String head = "POST /count HTTP/1.1\r\nHost: a\r\nBad Name: x\r\nContent-Length: 500\r\n\r\n";

        JsonNode error = sendPartAndReadRejection(head, new byte[SENT_BODY_BYTES], 400);

        assertThat(error.get("error").asText()).startsWith("malformed request");
    }

    @Test
    void endlessUploadIsCutAfterDrainLimit() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(ascii("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 80000000\r\n\r\n"));
            InputStream in = socket.getInputStream();
            assertThat(readResponse(in).status).isEqualTo(413);
            assertThat(in.read()).as("end of stream after the response").isEqualTo(-1);

            // The balancer closes once it dropped 64 KiB, long before this loop ends, so a write fails.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean writeFailed = false;
            byte[] chunk = new byte[16 * 1024];
            while (!writeFailed && System.nanoTime() < deadline) {
                try {
                    out.write(chunk);
                } catch (IOException expected) {
                    writeFailed = true;
                }
            }
            assertThat(writeFailed).as("a write failed because the balancer closed").isTrue();
        }
    }

    @Test
    void silentClientIsClosedAfterLingerTime() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(ascii("POST /count HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n"
                    + "x".repeat(2_000)));
            InputStream in = socket.getInputStream();
            assertThat(readResponse(in).status).isEqualTo(413);
            assertThat(in.read()).as("end of stream after the response").isEqualTo(-1);

            Await.until("the balancer to close the lingering connection", Duration.ofSeconds(10),
                    () -> balancer.openClientConnections() == 0);
        }
    }

    /**
     * Sends {@code head} and {@code body} in one write without reading, like a client busy uploading, and then
     * reads the response, which must have {@code status}, and the end of stream after it.
     */
    private JsonNode sendPartAndReadRejection(String head, byte[] body, int status) throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(ascii(head));
            request.write(body);
            out.write(request.toByteArray());
            out.flush();
            // Lets the balancer respond and close while the body sits unread in its receive buffer.
            Await.until("the rejection to be recorded", Duration.ofSeconds(5),
                    () -> balancer.monitor().count(status) == 1);
            Thread.sleep(200);

            InputStream in = socket.getInputStream();
            Response response = readResponse(in);
            assertThat(response.status).isEqualTo(status);
            assertThat(response.head.toLowerCase(Locale.ROOT)).contains("connection: close");
            assertEndOfStream(in);
            return ErrorStatsJson.MAPPER.readTree(response.body);
        }
    }

    private static void assertEndOfStream(InputStream in) throws IOException {
        try {
            assertThat(in.read()).as("end of stream after the response").isEqualTo(-1);
        } catch (SocketException e) {
            fail("the connection was reset instead of closed after the response: " + e);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", balancer.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private record Response(int status, String head, byte[] body) {
    }

    /** Reads one response with a Content-Length body. */
    private static Response readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        int status = Integer.parseInt(head.substring(9, 12));
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        assertThat(body).as("response body").hasSize(length);
        return new Response(status, head.toString(), body);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
