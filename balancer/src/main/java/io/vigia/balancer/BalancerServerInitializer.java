package io.vigia.balancer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Builds the pipeline of every client connection:
 * <pre>
 *   HttpServerCodec  &lt;-&gt;  ErrorRecordingHandler (shared)  &lt;-&gt;  DashboardHandler  &lt;-&gt;  FrontendHandler
 * </pre>
 * (without the dashboard handler when a separate admin listener serves it) and registers the connection
 * in the group the server drains on shutdown. Messages are streamed, never
 * aggregated. One shared instance serves the whole server.
 */
final class BalancerServerInitializer extends ChannelInitializer<Channel> {

    private final BalancerContext balancer;
    private final ChannelGroup clientChannels;

    BalancerServerInitializer(BalancerContext balancer, ChannelGroup clientChannels) {
        this.balancer = balancer;
        this.clientChannels = clientChannels;
    }

    @Override
    protected void initChannel(Channel ch) {
        clientChannels.add(ch);
        // TODO: idle keep-alive client connections are never timed out. A client that opens many and goes
        // quiet keeps them open until it closes them or the balancer stops.
        ch.pipeline()
                .addLast("codec", new HttpServerCodec())
                .addLast("errors", balancer.errorRecorder());
        if (balancer.servesAdminPaths()) {
            ch.pipeline().addLast("dashboard", balancer.dashboard().newHandler());
        }
        ch.pipeline().addLast("frontend", new FrontendHandler(balancer));
    }
}
