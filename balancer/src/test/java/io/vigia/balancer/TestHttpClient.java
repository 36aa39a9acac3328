package io.vigia.balancer;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.core.ErrorStatsJson;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A blocking HTTP/1.1 client over one loopback socket, writing requests byte for byte as given, so tests
 * control keep-alive, pipelining and malformed input. Reads time out after five seconds.
 */
final class TestHttpClient implements AutoCloseable {

    /** A parsed response; header names are lower-case. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return ErrorStatsJson.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("response body is not JSON: " + text(), e);
            }
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    TestHttpClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends one GET with {@code Host} and reads its response. */
    Response get(String target, String... headerLines) throws IOException {
        return request("GET", target, null, headerLines);
    }

    /** Sends one request with an optional body (Content-Length framing) and reads its response. */
    Response request(String method, String target, String body, String... headerLines) throws IOException {
        sendRequest(method, target, body, headerLines);
        return readResponse(method.equals("HEAD"));
    }

    void sendRequest(String method, String target, String body, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder();
        request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n").append("Host: test.local\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        }
        request.append("\r\n");
        send(request.toString());
        if (bodyBytes.length > 0) {
            out.write(bodyBytes);
            out.flush();
        }
    }

    void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    Response readResponse() throws IOException {
        return readResponse(false);
    }

    /** Reads one response; the body ends by Content-Length, chunked framing or connection close. */
    Response readResponse(boolean headRequest) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = readHeaders();
        byte[] body = readBody(status, headers, headRequest);
        return new Response(status, headers, body);
    }

    /** Returns whether the server closed the connection, that is whether a read returns end of stream in time. */
    boolean isClosedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset also means the server closed the connection.
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private Map<String, List<String>> readHeaders() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, key -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    private byte[] readBody(int status, Map<String, List<String>> headers, boolean headRequest) throws IOException {
        if (headRequest || status == 204 || status == 304 || status < 200) {
            return new byte[0];
        }
        List<String> length = headers.get("content-length");
        if (length != null) {
            return readExactly(Integer.parseInt(length.get(0)));
        }
        List<String> encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            return readChunked();
        }
        return in.readAllBytes();
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new EOFException("connection closed inside a chunked body");
            }
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                    // Trailers are ignored.
                }
                return body.toByteArray();
            }
            body.write(readExactly(size));
            readLine();
        }
    }

    private byte[] readExactly(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("body truncated: got " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }
}
