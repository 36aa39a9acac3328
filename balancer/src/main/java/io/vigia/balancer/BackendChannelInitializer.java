package io.vigia.balancer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;

/**
 * Builds the pipeline of a connection to a backend:
 * <pre>
 *   HttpClientCodec  &lt;-&gt;  BackendHandler
 * </pre>
 * One shared instance serves every backend connection of a balancer.
 */
final class BackendChannelInitializer extends ChannelInitializer<Channel> {

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast("codec", new HttpClientCodec())
                .addLast("backend", new BackendHandler());
    }
}
