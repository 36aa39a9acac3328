package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.vigia.core.ErrorCause;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestFramingTest {

    /** Five pipelined requests: no body, fixed body, chunked body with extension and trailer, leading CRLF. */
    private static final String STREAM = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\nhello\r\nworld"
            + "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhe\r\n\r\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "\r\nGET /d HTTP/1.1\r\nhost: h\r\ncontent-length: 0\r\n\r\n"
            + "PUT /e HTTP/1.1\r\nHost: h\r\nTRANSFER-ENCODING: chunked\r\n\r\n0\r\n\r\n";

    @Test
    void pipelinedStreamScansInOneBuffer() {
        RequestFraming framing = new RequestFraming(1024);

        assertThat(scan(framing, STREAM)).isEqualTo(-1);
        assertThat(framing.headsCompleted()).isEqualTo(5);
        assertThat(framing.state()).isEqualTo(RequestFraming.State.IDLE);
    }

    @Test
    void pipelinedStreamScansByteByByte() {
        RequestFraming framing = new RequestFraming(1024);

        for (int i = 0; i < STREAM.length(); i++) {
            assertThat(scan(framing, STREAM.substring(i, i + 1))).as("byte %d", i).isEqualTo(-1);
        }
        assertThat(framing.headsCompleted()).isEqualTo(5);
        assertThat(framing.state()).isEqualTo(RequestFraming.State.IDLE);
    }

    @Test
    void pipelinedStreamScansInRandomSplits() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            RequestFraming framing = new RequestFraming(1024);
            int start = 0;
            while (start < STREAM.length()) {
                int end = Math.min(STREAM.length(), start + 1 + random.nextInt(40));
                assertThat(scan(framing, STREAM.substring(start, end))).isEqualTo(-1);
                start = end;
            }
            assertThat(framing.headsCompleted()).isEqualTo(5);
            assertThat(framing.state()).isEqualTo(RequestFraming.State.IDLE);
        }
    }

    @Test
    void linesLongerThanStoredPartScan() {
        RequestFraming framing = new RequestFraming(8192);
        String request = "GET /" + "p".repeat(3000) + " HTTP/1.1\r\nHost: h\r\nX-" + "n".repeat(1000) + ": v\r\n"
                + "X-Value: " + "v".repeat(3000) + "\r\nContent-Length: 3\r\n\r\nabc"
                + "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;ext=" + "e".repeat(1000) + "\r\nabc\r\n0\r\n\r\n";

        assertThat(scan(framing, request)).isEqualTo(-1);
        assertThat(framing.headsCompleted()).isEqualTo(2);
        assertThat(framing.state()).isEqualTo(RequestFraming.State.IDLE);
    }

    @Test
    void versionIsReadAcrossStoredBoundary() {
        for (int length = 240; length <= 280; length++) {
            String target = "/" + "p".repeat(length - "GET / HTTP/1.1".length());
            RequestFraming valid = new RequestFraming(8192);
            RequestFraming unsupported = new RequestFraming(8192);
            RequestFraming invalid = new RequestFraming(8192);

            assertThat(scan(valid, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")).as("length %d", length)
                    .isEqualTo(-1);
            scan(unsupported, "GET " + target + " HTTP/3.0\r\n");
            scan(invalid, "GET " + target + " HTTX/1.1\r\n");

            assertThat(unsupported.rejection().errorCause()).as("length %d", length)
                    .isEqualTo(ErrorCause.HTTP_VERSION_NOT_SUPPORTED);
            assertThat(invalid.rejection().getMessage()).as("length %d", length).contains("invalid HTTP version");
        }
    }

    @Test
    void colonAcrossStoredBoundaryIsFound() {
        for (int nameLength = 250; nameLength <= 262; nameLength++) {
            RequestFraming plain = new RequestFraming(8192);
            RequestFraming spaced = new RequestFraming(8192);
            String name = "X" + "n".repeat(nameLength - 1);

            assertThat(scan(plain, "GET / HTTP/1.1\r\n" + name + ": v\r\n\r\n")).as("name %d", nameLength)
                    .isEqualTo(-1);
            scan(spaced, "GET / HTTP/1.1\r\n" + name + " : v\r\n");
            assertThat(spaced.rejection().getMessage()).as("name %d", nameLength)
                    .contains("whitespace between the header name and the colon");
        }
    }

    @Test
    void longHeaderLinesKeepTheirChecks() {
        RequestFraming folded = new RequestFraming(8192);
        RequestFraming spaced = new RequestFraming(8192);
        RequestFraming version = new RequestFraming(8192);

        scan(folded, "GET / HTTP/1.1\r\nHost: h\r\n " + "f".repeat(1000) + "\r\n");
        scan(spaced, "GET / HTTP/1.1\r\nX-" + "n".repeat(1000) + " : v\r\n");
        scan(version, "GET /" + "p".repeat(1000) + " HTTP/2.0\r\n");

        assertThat(folded.rejection().getMessage()).contains("obsolete line folding");
        assertThat(spaced.rejection().getMessage()).contains("whitespace between the header name and the colon");
        assertThat(version.rejection().errorCause()).isEqualTo(ErrorCause.HTTP_VERSION_NOT_SUPPORTED);
        assertThat(version.rejection().getMessage()).contains("HTTP/2.0");
    }

    @Test
    void bodyStatesAreReported() {
        RequestFraming framing = new RequestFraming(1024);

        scan(framing, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab");
        assertThat(framing.inBody()).isTrue();
        assertThat(framing.bodyBytes()).isEqualTo(2);

        scan(framing, "cd");
        assertThat(framing.inBody()).isFalse();
        assertThat(framing.bodyBytes()).isEqualTo(4);
    }

    @Test
    void foldedLineStopsAtItsLineFeed() {
        RequestFraming framing = new RequestFraming(1024);
        String request = "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n";

        int fault = scan(framing, request);

        assertThat(fault).isEqualTo(request.indexOf(" folded\r\n") + " folded\r".length());
        assertThat(framing.state()).isEqualTo(RequestFraming.State.REJECTED);
        assertThat(framing.rejectedInHead()).isTrue();
        assertThat(framing.rejection().getMessage()).contains("obsolete line folding");
        assertThat(framing.rejection().errorCause()).isEqualTo(ErrorCause.MALFORMED_REQUEST);
    }

    @Test
    void ambiguousLengthStopsBeforeHeadEnds() {
        RequestFraming framing = new RequestFraming(1024);
        String request = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n";

        int fault = scan(framing, request);

        assertThat(fault).isEqualTo(request.length() - 1);
        assertThat(framing.rejection().getMessage()).contains("both Content-Length and Transfer-Encoding");
    }

    @Test
    void faultInBodyIsNotInHead() {
        RequestFraming framing = new RequestFraming(1024);

        scan(framing, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n");

        assertThat(framing.state()).isEqualTo(RequestFraming.State.REJECTED);
        assertThat(framing.rejectedInHead()).isFalse();
        assertThat(framing.rejection().getMessage()).contains("invalid chunk size line \"zz\"");
    }

    @Test
    void overlongLinesMapToTheirStatus() {
        RequestFraming requestLine = new RequestFraming(32);
        RequestFraming headerLine = new RequestFraming(32);

        scan(requestLine, "GET /" + "a".repeat(40) + " HTTP/1.1\r\n");
        scan(headerLine, "GET / HTTP/1.1\r\nX-A: " + "a".repeat(40) + "\r\n");

        assertThat(requestLine.rejection().errorCause()).isEqualTo(ErrorCause.URI_TOO_LONG);
        assertThat(headerLine.rejection().errorCause()).isEqualTo(ErrorCause.HEADERS_TOO_LARGE);
    }

    @Test
    void scannerPassesStreamToCodecByteByByte() {
        EmbeddedChannel channel = new EmbeddedChannel(new RequestHeadScanner(ClientLimits.defaults()),
                new HttpServerCodec());
        List<String> decoded = new ArrayList<>();

        for (byte b : STREAM.getBytes(StandardCharsets.ISO_8859_1)) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            HttpObject msg;
            while ((msg = channel.readInbound()) != null) {
                decoded.add(describe(msg));
            }
        }

        assertThat(String.join("", decoded)).isEqualTo(
                "GET /a|.POST /b|hello\r\nworld.POST /c|he\r\n\r0123456789.GET /d|.PUT /e|.");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void hugeLimitsDoNotOverflow() {
        ClientLimits limits = ClientLimits.defaults().withMaxRequestLineBytes(Integer.MAX_VALUE)
                .withMaxHeaderBytes(Integer.MAX_VALUE);
        EmbeddedChannel channel = new EmbeddedChannel(new RequestHeadScanner(limits));

        String request = "GET / HTTP/1.1\r\nHost: h\r\nX-Long: " + "a".repeat(300) + "\r\n\r\n";

        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        ByteBuf passed = channel.readInbound();

        assertThat(passed.readableBytes()).isEqualTo(request.length());
        passed.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private static String describe(HttpObject msg) {
        StringBuilder text = new StringBuilder();
        assertThat(msg.decoderResult().isSuccess()).as("decoder result of %s", msg).isTrue();
        if (msg instanceof HttpRequest request) {
            text.append(request.method()).append(' ').append(request.uri()).append('|');
        }
        if (msg instanceof HttpContent content) {
            text.append(content.content().toString(StandardCharsets.ISO_8859_1));
            if (msg instanceof LastHttpContent) {
                text.append('.');
            }
            content.release();
        }
        return text.toString();
    }

    private static int scan(RequestFraming framing, String bytes) {
        ByteBuf buf = Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1);
        try {
            return framing.scan(buf);
        } finally {
            buf.release();
        }
    }
}
