package io.vigia.core.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The {@code Expect} request header (RFC 9110 section 10.1.1) for endpoints that a server serves itself
 * instead of forwarding. A client that sends {@code Expect: 100-continue} may wait for a {@code 100 Continue}
 * before it sends the body. The server either sends exactly one such interim response and then reads the
 * body, or sends a final response without it, in which case the client may never send the body. Stateless,
 * safe from any thread.
 */
public final class ExpectContinue {

    private ExpectContinue() {
    }

    /**
     * Returns whether the client may wait for {@code 100 Continue} before it sends the body of {@code request}:
     * an HTTP/1.1 request with {@code Expect: 100-continue} whose framing announces a body. HTTP/1.0 requests
     * are excluded because RFC 9110 requires a server to ignore the expectation in them.
     */
    public static boolean awaitsContinue(HttpRequest request) {
        return HttpUtil.is100ContinueExpected(request)
                && (HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0);
    }

    /** Returns whether an HTTP/1.1 {@code request} carries an {@code Expect} value other than 100-continue. */
    public static boolean hasUnsupportedExpectation(HttpRequest request) {
        if (request.protocolVersion().compareTo(HttpVersion.HTTP_1_1) < 0) {
            return false;
        }
        for (String value : request.headers().getAll(HttpHeaderNames.EXPECT)) {
            if (!HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(value.trim())) {
                return true;
            }
        }
        return false;
    }

    /** Builds the interim {@code 100 Continue} response, which has no body. */
    public static FullHttpResponse continueResponse() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
    }

    /** Builds the 417 error response to a request whose {@code Expect} value this server does not support. */
    public static ErrorResponse expectationFailed(HttpRequest request) {
        return HttpResponses.error(HttpResponseStatus.EXPECTATION_FAILED, "unsupported expectation \""
                + request.headers().get(HttpHeaderNames.EXPECT) + "\": only 100-continue is supported");
    }
}
