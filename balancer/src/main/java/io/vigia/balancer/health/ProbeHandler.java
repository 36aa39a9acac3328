package io.vigia.balancer.health;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * Last handler of a probe connection: hands the aggregated response, an error or an early close to its
 * {@link BackendProbe.Attempt}, which ignores everything after the first outcome. Runs on the probe's
 * event loop; the response is released by the superclass.
 */
final class ProbeHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

    private final BackendProbe.Attempt attempt;

    ProbeHandler(BackendProbe.Attempt attempt) {
        this.attempt = attempt;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        attempt.onResponse(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        attempt.fail(BackendProbe.describe(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        attempt.fail("connection closed before a response");
    }
}
