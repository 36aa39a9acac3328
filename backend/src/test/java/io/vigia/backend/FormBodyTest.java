package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FormBodyTest {

    @Test
    void decodesPercentEncodedUtf8AndPlus() {
        assertThat(singleTitle("title=caf%C3%A9+con%20leche&other=1")).isEqualTo("café con leche");
    }

    @Test
    void decodesRawUtf8() {
        assertThat(singleTitle("title=ñandú ☕")).isEqualTo("ñandú ☕");
    }

    @Test
    void keepsSemicolonInValue() {
        assertThat(singleTitle("title=a;b=c")).isEqualTo("a;b=c");
    }

    @Test
    void contentTypeParametersAreAccepted() {
        FullHttpRequest request = form("title=x");
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "Application/X-WWW-Form-Urlencoded; charset=UTF-8");
        try {
            assertThat(FormBody.decode(request).single("title")).isEqualTo("x");
        } finally {
            request.release();
        }
    }

    @Test
    void bodyAtLimitIsAccepted() {
        String value = "x".repeat(FormBody.MAX_BODY_BYTES - "title=".length());

        assertThat(singleTitle("title=" + value)).isEqualTo(value);
    }

    @Test
    void bodyOverLimitIs413() {
        assertRejected("title=" + "x".repeat(FormBody.MAX_BODY_BYTES), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "form body has 8198 bytes; the maximum is 8192");
    }

    @Test
    void malformedEscapeIs400() {
        assertRejected("title=%G1", HttpResponseStatus.BAD_REQUEST,
                "form body is not valid application/x-www-form-urlencoded data: every '%' must be followed by two"
                        + " hex digits");
    }

    @Test
    void invalidUtf8Is400() {
        assertRejected("title=%C3%28", HttpResponseStatus.BAD_REQUEST, "form field title is not valid UTF-8");
    }

    @Test
    void missingAndRepeatedFieldsAre400() {
        assertRejected("titles=x", HttpResponseStatus.BAD_REQUEST, "form field title is missing");
        assertRejected("title=x&title=y&title=z", HttpResponseStatus.BAD_REQUEST,
                "form field title appears 3 times; expected once");
    }

    @Test
    void jsonContentTypeIs415() {
        FullHttpRequest request = form("{\"title\":\"x\"}");
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        try {
            assertThatThrownBy(() -> FormBody.decode(request))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.status())
                            .isEqualTo(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE))
                    .hasMessage("Content-Type 'application/json' is not supported; expected "
                            + "application/x-www-form-urlencoded");
        } finally {
            request.release();
        }
    }

    @Test
    void decodingDoesNotConsumeBody() {
        FullHttpRequest request = form("title=x");
        try {
            FormBody.decode(request);

            assertThat(request.content().readableBytes()).isEqualTo("title=x".length());
        } finally {
            request.release();
        }
    }

    private static String singleTitle(String body) {
        FullHttpRequest request = form(body);
        try {
            return FormBody.decode(request).single("title");
        } finally {
            request.release();
        }
    }

    private static void assertRejected(String body, HttpResponseStatus status, String message) {
        FullHttpRequest request = form(body);
        try {
            assertThatThrownBy(() -> FormBody.decode(request).single("title"))
                    .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.status())
                            .isEqualTo(status))
                    .hasMessage(message);
        } finally {
            request.release();
        }
    }

    private static FullHttpRequest form(String body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/tasks",
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
        return request;
    }
}
