package io.vigia.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExpectContinueTest {

    @Test
    void continueAwaitedOnlyWithAnnouncedBody() {
        assertThat(ExpectContinue.awaitsContinue(request(HttpVersion.HTTP_1_1, "100-continue", "5", null))).isTrue();
        assertThat(ExpectContinue.awaitsContinue(request(HttpVersion.HTTP_1_1, "100-Continue", null, "chunked")))
                .isTrue();
        assertThat(ExpectContinue.awaitsContinue(request(HttpVersion.HTTP_1_1, "100-continue", "0", null))).isFalse();
        assertThat(ExpectContinue.awaitsContinue(request(HttpVersion.HTTP_1_1, "100-continue", null, null)))
                .isFalse();
        assertThat(ExpectContinue.awaitsContinue(request(HttpVersion.HTTP_1_0, "100-continue", "5", null)))
                .isFalse();
        assertThat(ExpectContinue.awaitsContinue(request(HttpVersion.HTTP_1_1, null, "5", null))).isFalse();
    }

    @Test
    void otherExpectationsAreUnsupported() {
        assertThat(ExpectContinue.hasUnsupportedExpectation(request(HttpVersion.HTTP_1_1, "something", "5", null)))
                .isTrue();
        assertThat(ExpectContinue.hasUnsupportedExpectation(request(HttpVersion.HTTP_1_1, "100-continue", "5", null)))
                .isFalse();
        assertThat(ExpectContinue.hasUnsupportedExpectation(request(HttpVersion.HTTP_1_0, "something", "5", null)))
                .isFalse();
    }

    @Test
    void responsesHaveExpectedStatus() {
        FullHttpResponse interim = ExpectContinue.continueResponse();
        ErrorResponse failed = ExpectContinue.expectationFailed(request(HttpVersion.HTTP_1_1, "teapot", null, null));
        try {
            assertThat(interim.status()).isEqualTo(HttpResponseStatus.CONTINUE);
            assertThat(interim.content().isReadable()).isFalse();
            assertThat(failed.status()).isEqualTo(HttpResponseStatus.EXPECTATION_FAILED);
            assertThat(failed.errorMessage()).isEqualTo("unsupported expectation \"teapot\": only 100-continue"
                    + " is supported");
            assertThat(failed.content().toString(StandardCharsets.UTF_8)).contains("417_EXPECTATION_FAILED");
        } finally {
            interim.release();
            failed.release();
        }
    }

    private static HttpRequest request(HttpVersion version, String expect, String contentLength, String coding) {
        HttpRequest request = new DefaultHttpRequest(version, HttpMethod.GET, "/status");
        if (expect != null) {
            request.headers().set("Expect", expect);
        }
        if (contentLength != null) {
            request.headers().set("Content-Length", contentLength);
        }
        if (coding != null) {
            request.headers().set("Transfer-Encoding", coding);
        }
        return request;
    }
}
