package io.vigia.backend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * An {@link HttpObjectAggregator} that passes an {@link OversizedRequest} down the pipeline for a request body
 * over the limit, where Netty's aggregator would write an empty 413 response itself. The backend's handler
 * then responds with a JSON error body, after the responses to any earlier requests on the connection.
 *
 * <p>As in Netty, the connection stays open only when the request announced its length with
 * {@code Content-Length}, did not ask for {@code 100-continue} and allows keep-alive. The aggregator then
 * discards the rest of the body. One instance per connection, used on its event loop.
 */
final class BackendObjectAggregator extends HttpObjectAggregator {

    /**
     * Whether the message being aggregated asked for {@code 100-continue}. Recorded here because Netty's
     * aggregator removes the {@code Expect} header once it has decided how to respond to it.
     */
    private boolean continueExpected;

    BackendObjectAggregator(int maxContentLengthBytes) {
        super(maxContentLengthBytes);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        continueExpected = HttpUtil.is100ContinueExpected(start);
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (response instanceof HttpResponse
                && ((HttpResponse) response).status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
            // With no continue response, MessageAggregator checks Content-Length and calls handleOversizedMessage.
            ReferenceCountUtil.release(response);
            return null;
        }
        return response;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        HttpRequest request = (HttpRequest) oversized;
        // A FullHttpMessage here means a chunked body grew too large while part of it is still unread. A client
        // that expected 100-continue sends no body now, so the bytes after the head cannot be skipped as one.
        boolean keepAlive = !(oversized instanceof FullHttpMessage)
                && !continueExpected
                && HttpUtil.isKeepAlive(request);
        // MessageAggregator releases the oversized message after this method returns.
        ctx.fireChannelRead(new OversizedRequest(request.method().name(), request.uri(), keepAlive,
                maxContentLength()));
    }
}
