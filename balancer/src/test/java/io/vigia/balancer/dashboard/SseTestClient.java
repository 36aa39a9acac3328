package io.vigia.balancer.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal server-sent events client over a plain socket: sends one GET, reads the response head, then
 * decodes the chunked body on a reader thread and queues each event block (the text before a blank line,
 * comments included). Closing the client closes the socket, which the server detects as a disconnect.
 */
final class SseTestClient implements AutoCloseable {

    /** Queued when the server ends the stream. */
    static final String END_OF_STREAM = "<end of stream>";

    private final Socket socket;
    private final int status;
    private final Map<String, String> headers;
    private final BlockingQueue<String> blocks = new LinkedBlockingQueue<>();
    private final Thread reader;

    private SseTestClient(Socket socket, int status, Map<String, String> headers, InputStream in) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        this.reader = new Thread(() -> readBody(in, chunked), "sse-test-client");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static SseTestClient open(int port, String path) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String statusLine = readLine(in);
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        socket.setSoTimeout(0);
        return new SseTestClient(socket, Integer.parseInt(statusLine.split(" ")[1]), headers, in);
    }

    int status() {
        return status;
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Returns the next event block, or null when none arrives within {@code timeout}. */
    String nextBlock(Duration timeout) throws InterruptedException {
        return blocks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Returns the next block that is an event, skipping comments, or null when none arrives in time. */
    String nextEvent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long leftNanos = deadline - System.nanoTime();
            String block = leftNanos > 0 ? blocks.poll(leftNanos, TimeUnit.NANOSECONDS) : null;
            if (block == null || !block.startsWith(":")) {
                return block;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readBody(InputStream in, boolean chunked) {
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        try {
            while (true) {
                byte[] data = chunked ? readChunk(in) : readAvailable(in);
                if (data == null) {
                    break;
                }
                pending.write(data);
                splitBlocks(pending);
            }
        } catch (IOException ignored) {
            // The socket was closed by close() or by the server; either way the stream is over.
        }
        blocks.add(END_OF_STREAM);
    }

    /** Moves every complete block out of {@code pending}; works on bytes so a split UTF-8 character survives. */
    private void splitBlocks(ByteArrayOutputStream pending) {
        byte[] bytes = pending.toByteArray();
        int start = 0;
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                blocks.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 2;
                i++;
            }
        }
        pending.reset();
        pending.write(bytes, start, bytes.length - start);
    }

    private static byte[] readChunk(InputStream in) throws IOException {
        String sizeLine = readLine(in);
        int semicolon = sizeLine.indexOf(';');
        int size = Integer.parseInt(semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine, 16);
        if (size == 0) {
            return null;
        }
        byte[] data = in.readNBytes(size);
        if (data.length < size) {
            return null;
        }
        readLine(in);
        return data;
    }

    private static byte[] readAvailable(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int read = in.read(buffer);
        return read < 0 ? null : Arrays.copyOf(buffer, read);
    }

    /** Reads one CRLF-terminated line; throws at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the middle of a line: " + line);
            }
            if (previous == '\r' && b == '\n') {
                line.setLength(line.length() - 1);
                return line.toString();
            }
            line.append((char) b);
            previous = b;
        }
    }
}
