package io.vigia.balancer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Builds the pipeline of a connection to a backend:
 * <pre>
 *   BackendHttpCodec  &lt;-&gt;  BackendHandler
 * </pre>
 * One shared instance serves every backend connection of a balancer.
 */
final class BackendChannelInitializer extends ChannelInitializer<Channel> {

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast("codec", new BackendHttpCodec())
                .addLast("backend", new BackendHandler());
    }
}
