package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Streams a large body each way through a balancer whose JVM has a 64 MiB heap, which Netty also takes as
 * its direct memory limit: the body must flow with backpressure instead of piling up in the balancer.
 * The size is the system property {@code vigia.largeTransfer.bytes}, 1 GiB by default.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SmallHeapTransferTest {

    private static final long BYTES = Long.getLong("vigia.largeTransfer.bytes", 1L << 30);
    private static final int BUFFER_BYTES = 64 * 1024;

    private BulkBackend backend;
    private BalancerProcess balancer;

    @BeforeAll
    void start() throws Exception {
        backend = BulkBackend.start();
        balancer = BalancerProcess.start(List.of("-Xmx64m"), "--backends", backend.id(), "--max-body-bytes", "0",
                "--threads", "2");
    }

    @AfterAll
    void stop() throws Exception {
        balancer.close();
        backend.close();
    }

    @Test
    void downloadPassesThroughSmallHeap() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /generate?bytes=" + BYTES + " HTTP/1.1\r\nHost: a\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES);
            String head = readHead(in);

            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + BYTES);
            assertThat(readPattern(in)).isEqualTo(BYTES);
        }
        assertThat(balancer.process().isAlive()).isTrue();
        assertThat(balancer.output()).noneMatch(line -> line.contains("OutOfMemoryError"));
    }

    @Test
    void uploadPassesThroughSmallHeap() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /sum HTTP/1.1\r\nHost: a\r\nContent-Length: " + BYTES + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long expectedSum = writePattern(out);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = readHead(in);
            String body = new String(in.readNBytes(Integer.parseInt(contentLength(head))), StandardCharsets.US_ASCII);

            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(body).isEqualTo(BYTES + " " + expectedSum);
        }
        assertThat(balancer.process().isAlive()).isTrue();
        assertThat(balancer.output()).noneMatch(line -> line.contains("OutOfMemoryError"));
    }

    /** Reads {@link #BYTES} bytes and checks each against the pattern; returns how many matched. */
    private static long readPattern(InputStream in) throws IOException {
        byte[] received = new byte[BUFFER_BYTES];
        byte[] expected = new byte[BUFFER_BYTES];
        long position = 0;
        while (position < BYTES) {
            int count = in.read(received, 0, (int) Math.min(received.length, BYTES - position));
            if (count < 0) {
                return position;
            }
            BulkBackend.pattern(expected, count, position);
            int mismatch = Arrays.mismatch(received, 0, count, expected, 0, count);
            if (mismatch >= 0) {
                throw new AssertionError("byte " + (position + mismatch) + " differs from the pattern");
            }
            position += count;
        }
        return position;
    }

    private static long writePattern(OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long position = 0;
        long sum = 0;
        while (position < BYTES) {
            int count = (int) Math.min(buffer.length, BYTES - position);
            position = BulkBackend.pattern(buffer, count, position);
            for (int i = 0; i < count; i++) {
                sum += buffer[i] & 0xFF;
            }
            out.write(buffer, 0, count);
        }
        out.flush();
        return sum;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return line.substring("content-length:".length()).trim();
            }
        }
        throw new AssertionError("no Content-Length in " + head);
    }
}
