package io.vigia.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.ErrorRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorRecordingHandlerTest {

    private final ErrorMonitor monitor = new ErrorMonitor(10, () -> 0L);

    @Test
    void recordsErrorResponseWithItsRequest() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));

        readRequest(channel, HttpMethod.DELETE, "/api/tasks/999999");
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND));

        ErrorRecord record = monitor.snapshot().recentErrors().get(0);
        assertThat(record.status()).isEqualTo(404);
        assertThat(record.method()).isEqualTo("DELETE");
        assertThat(record.path()).isEqualTo("/api/tasks/999999");
        assertThat(channel.finishAndReleaseAll()).isTrue();
    }

    @Test
    void ignoresSuccessfulResponses() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));

        readRequest(channel, HttpMethod.GET, "/ok");
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));

        assertThat(monitor.totalErrors()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void pairsPipelinedRequestsInOrder() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));
        for (int i = 0; i < 6; i++) {
            readRequest(channel, HttpMethod.GET, "/r" + i);
        }

        for (int i = 0; i < 6; i++) {
            HttpResponseStatus status = i % 2 == 0 ? HttpResponseStatus.OK : HttpResponseStatus.BAD_GATEWAY;
            channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
        }

        List<ErrorRecord> records = monitor.snapshot().recentErrors();
        assertThat(records).extracting(ErrorRecord::path).containsExactly("/r5", "/r3", "/r1");
        channel.finishAndReleaseAll();
    }

    @Test
    void interimContinueDoesNotConsumeTheRequest() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));

        readRequest(channel, HttpMethod.POST, "/upload");
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE));

        assertThat(monitor.snapshot().recentErrors().get(0).path()).isEqualTo("/upload");
        channel.finishAndReleaseAll();
    }

    @Test
    void takesDetailFromErrorResponse() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));

        readRequest(channel, HttpMethod.GET, "/slow");
        channel.writeOutbound(HttpResponses.error(HttpResponseStatus.GATEWAY_TIMEOUT, "no response in 30000 ms",
                ErrorCause.RESPONSE_TIMEOUT, "127.0.0.1:5001"));

        ErrorRecord record = monitor.snapshot().recentErrors().get(0);
        assertThat(record.message()).isEqualTo("no response in 30000 ms");
        assertThat(record.cause()).isEqualTo(ErrorCause.RESPONSE_TIMEOUT);
        assertThat(record.upstream()).isEqualTo("127.0.0.1:5001");
        channel.finishAndReleaseAll();
    }

    @Test
    void readsUpstreamFromRelayedResponseHeader() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));

        readRequest(channel, HttpMethod.GET, "/missing");
        DefaultHttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
        response.headers().set(VigiaHeaders.X_UPSTREAM_SERVER, "127.0.0.1:5002");
        channel.writeOutbound(response);

        assertThat(monitor.snapshot().recentErrors().get(0).upstream()).isEqualTo("127.0.0.1:5002");
        channel.finishAndReleaseAll();
    }

    @Test
    void readsMessageFromRelayedResponseHeader() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));

        readRequest(channel, HttpMethod.DELETE, "/api/tasks/999999");
        DefaultHttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
        response.headers().set(VigiaHeaders.X_ERROR_MESSAGE, "task 999999 not found");
        channel.writeOutbound(response);

        assertThat(monitor.snapshot().recentErrors().get(0).message()).isEqualTo("task 999999 not found");
        channel.finishAndReleaseAll();
    }

    @Test
    void errorResponseCarriesSafeMessageHeader() {
        ErrorResponse response = HttpResponses.error(HttpResponseStatus.BAD_REQUEST,
                "título\r\nSet-Cookie: x=1 " + "a".repeat(300));

        String header = response.headers().get(VigiaHeaders.X_ERROR_MESSAGE);
        assertThat(header).startsWith("t?tulo??Set-Cookie: x=1 a");
        assertThat(header).hasSize(VigiaHeaders.MAX_ERROR_MESSAGE_LENGTH);
        assertThat(response.errorMessage()).startsWith("título\r\n");
        response.release();
    }

    @Test
    void recordsUnparsableRequestWithoutMethodOrPath() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));
        FullHttpRequest invalid = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request",
                Unpooled.EMPTY_BUFFER);
        invalid.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("invalid version")));

        channel.writeInbound(invalid);
        ReferenceCountUtil.release(channel.readInbound());
        channel.writeOutbound(HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "invalid version"));

        ErrorRecord record = monitor.snapshot().recentErrors().get(0);
        assertThat(record.method()).isNull();
        assertThat(record.path()).isNull();
        assertThat(record.message()).isEqualTo("invalid version");
        channel.finishAndReleaseAll();
    }

    @Test
    void responseWithoutRequestIsStillCounted() {
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));

        channel.writeOutbound(HttpResponses.error(HttpResponseStatus.REQUEST_TIMEOUT, "request timed out"));

        assertThat(monitor.count(408)).isEqualTo(1);
        channel.finishAndReleaseAll();
    }

    private static void readRequest(EmbeddedChannel channel, HttpMethod method, String uri) {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.EMPTY_BUFFER));
        ReferenceCountUtil.release(channel.readInbound());
    }
}
