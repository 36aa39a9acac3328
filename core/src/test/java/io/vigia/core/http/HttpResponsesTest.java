package io.vigia.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.ErrorRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponsesTest {

    @Test
    void errorHtmlCarriesHtmlBodyAndDetail() {
        String html = "<p>Título vacío</p>";

        ErrorResponse response = HttpResponses.errorHtml(HttpResponseStatus.BAD_REQUEST, "title must not be blank",
                ErrorCause.MALFORMED_REQUEST, html);

        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
            byte[] expected = html.getBytes(StandardCharsets.UTF_8);
            assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(expected.length);
            assertThat(response.content().toString(StandardCharsets.UTF_8)).isEqualTo(html);
            assertThat(response.errorMessage()).isEqualTo("title must not be blank");
            assertThat(response.errorCause()).isEqualTo(ErrorCause.MALFORMED_REQUEST);
            assertThat(response.errorUpstream()).isNull();
        } finally {
            response.release();
        }
    }

    @Test
    void errorHtmlMessageReachesMonitor() {
        ErrorMonitor monitor = new ErrorMonitor(10, () -> 0L);
        EmbeddedChannel channel = new EmbeddedChannel(new ErrorRecordingHandler(monitor));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/tasks"));

        channel.writeOutbound(HttpResponses.errorHtml(HttpResponseStatus.NOT_FOUND, "task 7 not found", null,
                "<p>no</p>"));

        ErrorRecord record = monitor.snapshot().recentErrors().get(0);
        assertThat(record.status()).isEqualTo(404);
        assertThat(record.message()).isEqualTo("task 7 not found");
        assertThat(record.path()).isEqualTo("/tasks");
        assertThat(channel.finishAndReleaseAll()).isTrue();
    }
}
