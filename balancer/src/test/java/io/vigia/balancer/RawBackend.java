package io.vigia.balancer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend on a loopback port that responds with bytes a test writes itself, for responses Netty would not
 * produce: a length header on a 204, a body ended by closing, a reset in the middle of a body.
 *
 * <p>One daemon thread per connection reads each request (head and a {@code Content-Length} or chunked
 * body) and hands it to the {@link Script}, which writes to the socket and may close or reset it.
 */
final class RawBackend implements AutoCloseable {

    /** Writes the response to one request, and may close or reset the socket. */
    @FunctionalInterface
    interface Script {
        void respond(Request request, Socket socket) throws IOException;
    }

    /** One request as read from the socket; header names are lower-case. */
    record Request(String method, String target, String version, Map<String, String> headers, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocket serverSocket;
    private final Script script;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private RawBackend(Script script) throws IOException {
        this.script = script;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "raw-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static RawBackend start(Script script) throws IOException {
        return new RawBackend(script);
    }

    BackendAddress address() {
        return new BackendAddress("127.0.0.1", serverSocket.getLocalPort());
    }

    List<Request> received() {
        return List.copyOf(received);
    }

    /** Writes {@code text} in ISO-8859-1 and flushes. */
    static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Closes {@code socket} with a TCP reset instead of an orderly close. */
    static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                sockets.add(socket);
                Thread worker = new Thread(() -> serve(socket), "raw-backend-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Request request;
            while (!socket.isClosed() && (request = readRequest(in)) != null) {
                received.add(request);
                script.respond(request, socket);
            }
        } catch (IOException ignored) {
            // The script closed or reset the socket, or the balancer closed its side: the connection is over.
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new TreeMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equals(headers.get("transfer-encoding"))) {
            body = readChunked(in);
        } else {
            body = new byte[0];
        }
        return new Request(parts[0], parts[1], parts[2], headers, body);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int size;
        while ((size = Integer.parseInt(readLine(in).split(";")[0], 16)) > 0) {
            body.write(in.readNBytes(size));
            readLine(in);
        }
        while (!readLine(in).isEmpty()) {
            // Trailers are not used by these tests.
        }
        return body.toByteArray();
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
