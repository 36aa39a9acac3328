package io.vigia.balancer;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.vigia.core.ErrorCause;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Checks each decoded request head for what Netty's decoder accepts but a proxy must not forward, and
 * enforces the request body limit.
 *
 * <pre>
 *   HttpServerCodec  &lt;-&gt;  ErrorRecordingHandler  &lt;-&gt;  RequestValidator  &lt;-&gt;  DashboardHandler
 *     &lt;-&gt;  FrontendHandler
 * </pre>
 *
 * <p>A request is marked failed with a {@link RequestRejectedException} as its decoder result, and
 * {@link FrontendHandler} then responds 400 (or 413) before anything reaches a backend, when:
 * <ul>
 *   <li>an HTTP/1.1 request has no {@code Host}, or any request has more than one (RFC 9112 section 3.2);</li>
 *   <li>{@code Transfer-Encoding} is anything but one field with the exact value {@code chunked}. RFC 9112
 *       makes coding names case-insensitive, but the balancer forwards the body re-chunked and without the
 *       other codings, so any other value would reach the backend changed;</li>
 *   <li>the request target is neither origin-form, nor absolute-form with an {@code http} or {@code https}
 *       scheme and no user info, nor {@code *} for OPTIONS;</li>
 *   <li>{@code Content-Length} exceeds the body limit (413).</li>
 * </ul>
 * An absolute-form target is rewritten to origin-form and its authority replaces {@code Host}, as RFC 9112
 * section 3.2.2 requires of a server. {@code Content-Length} is rewritten as the plain number the decoder
 * read. A chunked body that grows past the limit is cut: its next part is
 * replaced by a failed {@code LastHttpContent} (413) and the rest of that body is released. A request line or
 * header section that the codec already failed as too long (414, 431) gets a message naming the limit.
 *
 * <p>It sits after the error recorder so that a rejected request is recorded with its method and target.
 * One instance per connection, touched only on the connection's event loop.
 */
final class RequestValidator extends ChannelInboundHandlerAdapter {

    private final int maxRequestLineBytes;
    private final int maxHeaderBytes;
    private final long maxBodyBytes;
    private long bodyBytes;
    private boolean countingBody;
    private boolean discardingBody;

    RequestValidator(ClientLimits limits) {
        this.maxRequestLineBytes = limits.maxRequestLineBytes();
        this.maxHeaderBytes = limits.maxHeaderBytes();
        this.maxBodyBytes = limits.maxBodyBytes();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            onRequestHead((HttpRequest) msg);
        }
        if (msg instanceof HttpContent && !onRequestContent(ctx, (HttpContent) msg)) {
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void onRequestHead(HttpRequest request) {
        countingBody = false;
        discardingBody = false;
        bodyBytes = 0;
        if (request.decoderResult().isFailure()) {
            replaceCodecMessage(request);
            return;
        }
        String problem = findProblem(request);
        if (problem != null) {
            fail(request, ErrorCause.MALFORMED_REQUEST, "malformed request: " + problem);
            return;
        }
        long contentLength = HttpUtil.getContentLength(request, -1L);
        if (contentLength >= 0) {
            // The decoder accepts leading zeros. The backend gets the value the balancer framed the body with.
            request.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        }
        if (maxBodyBytes <= 0) {
            return;
        }
        if (contentLength > maxBodyBytes) {
            fail(request, ErrorCause.CONTENT_TOO_LARGE, "request body too large: Content-Length " + contentLength
                    + " exceeds the maximum of " + maxBodyBytes + " bytes");
            return;
        }
        countingBody = HttpUtil.isTransferEncodingChunked(request);
    }

    /** Counts a chunked body against the limit; returns false when it released {@code content} instead. */
    private boolean onRequestContent(ChannelHandlerContext ctx, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (discardingBody) {
            discardingBody = !last;
            ReferenceCountUtil.release(content);
            return false;
        }
        if (!countingBody || content.decoderResult().isFailure()) {
            return true;
        }
        bodyBytes += content.content().readableBytes();
        if (bodyBytes <= maxBodyBytes) {
            return true;
        }

        countingBody = false;
        discardingBody = !last;
        ReferenceCountUtil.release(content);
        DefaultLastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        failed.setDecoderResult(DecoderResult.failure(new RequestRejectedException(ErrorCause.CONTENT_TOO_LARGE,
                "request body too large: the chunked body exceeds the maximum of " + maxBodyBytes + " bytes")));
        ctx.fireChannelRead(failed);
        return false;
    }

    /** Returns why {@code request} must be rejected, or null; rewrites an absolute-form target in place. */
    static String findProblem(HttpRequest request) {
        HttpHeaders headers = request.headers();
        // Every request passes here, so the common case (one Host, no Transfer-Encoding) allocates no list.
        Iterator<String> hosts = headers.valueStringIterator(HttpHeaderNames.HOST);
        if (!hosts.hasNext()) {
            if (!HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
                return "missing Host header, which HTTP/1.1 requires";
            }
        } else {
            hosts.next();
            if (hosts.hasNext()) {
                return "multiple Host headers";
            }
        }
        if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return checkTarget(request);
        }
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (codings.size() > 1 || !HttpHeaderValues.CHUNKED.contentEquals(codings.get(0))) {
            return "unsupported Transfer-Encoding \"" + String.join(", ", codings)
                    + "\", only a single \"chunked\" is accepted";
        }
        return checkTarget(request);
    }

    private static String checkTarget(HttpRequest request) {
        String uri = request.uri();
        if (uri.startsWith("/")) {
            return null;
        }
        if (uri.equals("*")) {
            return HttpMethod.OPTIONS.equals(request.method()) ? null : "request target * is only valid for OPTIONS";
        }
        int schemeEnd = uri.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "invalid request target, expected a path or an http URL";
        }

        int authorityStart = schemeEnd + 3;
        int pathStart = authorityStart;
        while (pathStart < uri.length() && uri.charAt(pathStart) != '/' && uri.charAt(pathStart) != '?') {
            pathStart++;
        }
        String authority = uri.substring(authorityStart, pathStart);
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            return "invalid authority in the request target, expected host[:port] without user info";
        }
        String rest = uri.substring(pathStart);
        request.setUri(rest.startsWith("/") ? rest : "/" + rest);
        request.headers().set(HttpHeaderNames.HOST, authority);
        return null;
    }

    /**
     * Replaces Netty's message on the codec's 414 and 431 failures with one that names the limit, because the
     * message becomes the response body and the recorded error.
     */
    private void replaceCodecMessage(HttpRequest request) {
        Throwable failure = request.decoderResult().cause();
        if (failure instanceof TooLongHttpLineException) {
            fail(request, ErrorCause.URI_TOO_LONG, "request line too long: the maximum is " + maxRequestLineBytes
                    + " bytes");
        } else if (failure instanceof TooLongHttpHeaderException) {
            fail(request, ErrorCause.HEADERS_TOO_LARGE, "request header section too large: the maximum is "
                    + maxHeaderBytes + " bytes");
        }
    }

    private static void fail(HttpRequest request, ErrorCause cause, String message) {
        request.setDecoderResult(DecoderResult.failure(new RequestRejectedException(cause, message)));
    }
}
