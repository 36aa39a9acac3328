package io.vigia.core.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vigia.core.ErrorBucket;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorStatsJson;
import java.nio.charset.StandardCharsets;

/**
 * Builds and sends the complete responses that servers send themselves: JSON documents, HTML pages
 * and error bodies. Every method that takes a {@link ByteBuf} takes ownership of it.
 */
public final class HttpResponses {

    public static final String JSON_CONTENT_TYPE = "application/json; charset=utf-8";
    public static final String HTML_CONTENT_TYPE = "text/html; charset=utf-8";
    public static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

    private HttpResponses() {
    }

    /** Builds a response with a JSON body and {@code Content-Length} set. */
    public static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
        return withBody(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, toBytes(body)), JSON_CONTENT_TYPE);
    }

    /** Builds a response with a JSON body already serialized to UTF-8. */
    public static FullHttpResponse json(HttpResponseStatus status, byte[] body) {
        return withBody(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body)),
                JSON_CONTENT_TYPE);
    }

    /** Builds a response with an HTML body. */
    public static FullHttpResponse html(HttpResponseStatus status, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        return withBody(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content), HTML_CONTENT_TYPE);
    }

    /**
     * Builds an error response whose JSON body is {@code {"error": message, "status": code, "type": bucket}}
     * and which hands {@code message}, {@code cause} and {@code upstream} to the error monitor.
     */
    public static ErrorResponse error(HttpResponseStatus status, String message, ErrorCause cause, String upstream) {
        ObjectNode body = ErrorStatsJson.MAPPER.createObjectNode();
        body.put("error", message);
        body.put("status", status.code());
        ErrorBucket bucket = ErrorBucket.of(status.code());
        body.put("type", bucket == null ? null : bucket.name());
        ErrorResponse response = new ErrorResponse(HttpVersion.HTTP_1_1, status, toBytes(body), message, cause,
                upstream);
        withBody(response, JSON_CONTENT_TYPE);
        return response;
    }

    /**
     * Builds an error response with an HTML body, for pages that show the error to a person, which hands
     * {@code message} and {@code cause} to the error monitor like {@link #error}. The caller escapes whatever
     * {@code html} contains.
     */
    public static ErrorResponse errorHtml(HttpResponseStatus status, String message, ErrorCause cause, String html) {
        ByteBuf content = Unpooled.copiedBuffer(html, StandardCharsets.UTF_8);
        ErrorResponse response = new ErrorResponse(HttpVersion.HTTP_1_1, status, content, message, cause, null);
        withBody(response, HTML_CONTENT_TYPE);
        return response;
    }

    /** Builds an error response with no cause and no upstream. */
    public static ErrorResponse error(HttpResponseStatus status, String message) {
        return error(status, message, null, null);
    }

    /**
     * Writes {@code response} and flushes. When {@code keepAlive} is false the response carries
     * {@code Connection: close} and the channel closes once it is written.
     */
    public static ChannelFuture send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        return ctx.writeAndFlush(response);
    }

    /** Returns a pooled buffer holding {@code text} in UTF-8, for callers that build bodies themselves. */
    public static ByteBuf utf8(ByteBufAllocator allocator, CharSequence text) {
        return io.netty.buffer.ByteBufUtil.writeUtf8(allocator, text);
    }

    private static FullHttpResponse withBody(FullHttpResponse response, String contentType) {
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    private static ByteBuf toBytes(ObjectNode body) {
        try {
            return Unpooled.wrappedBuffer(ErrorStatsJson.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }
}
