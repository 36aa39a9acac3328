package io.vigia.balancer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A blocking backend for very large bodies, on plain sockets so that no Netty buffer of the test JVM is
 * tracked by the leak detector: {@code GET /health} returns 200, {@code GET /generate?bytes=N} streams N bytes
 * of {@link #pattern}, {@code POST /sum} reads the body as it arrives and returns {@code "LENGTH SUM"} with
 * the sum of its unsigned bytes. One daemon thread per connection.
 */
final class BulkBackend implements AutoCloseable {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final ServerSocket serverSocket;

    private BulkBackend() throws IOException {
        serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "bulk-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static BulkBackend start() throws IOException {
        return new BulkBackend();
    }

    String id() {
        return "127.0.0.1:" + serverSocket.getLocalPort();
    }

    /** Fills {@code buffer} with the pattern bytes starting at stream {@code position}; returns the next position. */
    static long pattern(byte[] buffer, int length, long position) {
        int value = (int) (position % 251);
        for (int i = 0; i < length; i++) {
            buffer[i] = (byte) value;
            value = value == 250 ? 0 : value + 1;
        }
        return position + length;
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                Thread worker = new Thread(() -> serve(socket), "bulk-backend-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
            String requestLine;
            while ((requestLine = readLine(in)) != null) {
                long contentLength = readContentLength(in);
                String target = requestLine.split(" ")[1];
                if (target.startsWith("/generate?bytes=")) {
                    generate(out, Long.parseLong(target.substring("/generate?bytes=".length())));
                } else if (target.equals("/sum")) {
                    sum(in, out, contentLength);
                } else {
                    respond(out, "ok");
                }
            }
        } catch (IOException ignored) {
            // The balancer closed the connection.
        }
    }

    private static void generate(OutputStream out, long length) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] buffer = new byte[BUFFER_BYTES];
        long position = 0;
        while (position < length) {
            int count = (int) Math.min(buffer.length, length - position);
            position = pattern(buffer, count, position);
            out.write(buffer, 0, count);
        }
        out.flush();
    }

    private static void sum(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long received = 0;
        long sum = 0;
        while (received < length) {
            int count = in.read(buffer, 0, (int) Math.min(buffer.length, length - received));
            if (count < 0) {
                throw new IOException("request body ended after " + received + " of " + length + " bytes");
            }
            for (int i = 0; i < count; i++) {
                sum += buffer[i] & 0xFF;
            }
            received += count;
        }
        respond(out, received + " " + sum);
    }

    private static void respond(OutputStream out, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 200 OK\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static long readContentLength(InputStream in) throws IOException {
        long contentLength = 0;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Long.parseLong(line.substring("content-length:".length()).trim());
            }
        }
        return contentLength;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
