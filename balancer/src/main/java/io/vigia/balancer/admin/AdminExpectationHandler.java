package io.vigia.balancer.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vigia.core.http.ExpectContinue;
import io.vigia.core.http.HttpResponses;
import io.vigia.core.http.LingeringClose;

/**
 * Handles the {@code Expect} header of an admin request before the aggregator behind it would send
 * {@code 100 Continue}: a request that {@link AdminServerHandler} would reject on its head gets that 4xx at
 * once, a declared body over the aggregator's limit gets 413, an unsupported expectation gets 417, and the
 * connection then closes, because the client may never send the body. Every other request passes on, and
 * the aggregator sends the {@code 100 Continue}.
 *
 * <pre>
 *   HttpServerCodec  &lt;-&gt;  DashboardHandler (root)  &lt;-&gt;  AdminExpectationHandler
 *     &lt;-&gt;  HttpObjectAggregator  &lt;-&gt;  AdminServerHandler
 * </pre>
 *
 * <p>One instance per connection, touched only on its event loop.
 */
final class AdminExpectationHandler extends ChannelInboundHandlerAdapter {

    private final AdminServer server;
    private final int maxRequestBytes;
    /** True once a rejection closes the connection: everything read after it is released. */
    private boolean closing;

    /** @param maxRequestBytes the aggregator's limit on the request body, in bytes */
    AdminExpectationHandler(AdminServer server, int maxRequestBytes) {
        this.server = server;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        FullHttpResponse rejection = msg instanceof HttpRequest ? rejectExpectation((HttpRequest) msg) : null;
        if (rejection == null) {
            ctx.fireChannelRead(msg);
            return;
        }

        closing = true;
        ReferenceCountUtil.release(msg);
        rejection.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        LingeringClose.closeAfter(ctx.writeAndFlush(rejection));
    }

    /** Returns the final response to send in place of {@code 100 Continue}, or null to pass the request on. */
    private FullHttpResponse rejectExpectation(HttpRequest request) {
        if (request instanceof LastHttpContent || request.decoderResult().isFailure()) {
            return null;
        }
        if (ExpectContinue.hasUnsupportedExpectation(request)) {
            return ExpectContinue.expectationFailed(request);
        }
        if (!ExpectContinue.awaitsContinue(request)) {
            return null;
        }
        FullHttpResponse rejection = AdminServerHandler.reject(server, request);
        if (rejection != null) {
            return rejection;
        }
        // Without this, the aggregator would send its own empty 413 and keep the connection open.
        long contentLength = HttpUtil.getContentLength(request, -1L);
        if (contentLength > maxRequestBytes) {
            return HttpResponses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large: "
                    + "Content-Length " + contentLength + " exceeds the admin listener's maximum of "
                    + maxRequestBytes + " bytes");
        }
        return null;
    }
}
