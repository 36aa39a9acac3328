package io.vigia.balancer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a backend connection: passes decoded response parts to the {@link ProxyExchange}
 * currently attached, and reports the connection's end to it.
 *
 * <p>A pooled connection has no exchange attached. Anything it receives then is a protocol error, so the
 * message is released and the connection closed. A read error is remembered and the connection closed;
 * the exchange learns about it once, from {@link #channelInactive} or from a message the codec still
 * emits on close, whichever comes first. Runs on the connection's event loop, which is also the loop of
 * the client connection it serves.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

    private ProxyExchange exchange;
    private Throwable failure;

    void attach(ProxyExchange newExchange) {
        exchange = newExchange;
        failure = null;
    }

    void detach() {
        exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ProxyExchange current = exchange;
        if (current == null || !(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            log.debug("{} unexpected data on an idle backend connection, closing it", ctx.channel());
            ctx.close();
            return;
        }
        if (failure != null) {
            // The codec completes a body that ends at connection close even after a reset; do not trust it.
            ReferenceCountUtil.release(msg);
            exchange = null;
            current.onBackendClosed(failure);
            return;
        }
        current.onBackendMessage((HttpObject) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onBackendWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        log.debug("{} backend connection failed, closing it", ctx.channel(), cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ProxyExchange current = exchange;
        exchange = null;
        if (current != null) {
            current.onBackendClosed(failure);
        }
        ctx.fireChannelInactive();
    }
}
