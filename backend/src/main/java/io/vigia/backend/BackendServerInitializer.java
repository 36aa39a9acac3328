package io.vigia.backend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.vigia.core.http.ErrorRecordingHandler;

/**
 * Builds the pipeline of each accepted backend connection:
 * <pre>
 *   HttpServerCodec -&gt; ErrorRecordingHandler -&gt; BackendObjectAggregator -&gt; BackendServerHandler
 * </pre>
 * The error recorder sits before the aggregator so that it also pairs the heads of requests whose body is
 * too large with the 413 responses to them. The codec keeps Netty's default limits: 4096-byte request line
 * and 8192 bytes of headers. Runs on the event loop of the channel being initialized.
 */
final class BackendServerInitializer extends ChannelInitializer<Channel> {

    private final ErrorRecordingHandler errorRecorder;
    private final BackendRoutes routes;
    private final ChannelGroup channels;
    private final int maxContentLengthBytes;

    /**
     * @param errorRecorder         shared recorder of every error response
     * @param channels              group that tracks open connections so that shutdown can close them, or
     *                              {@code null} when nothing tracks them
     * @param maxContentLengthBytes largest request body accepted, larger ones get 413
     */
    BackendServerInitializer(ErrorRecordingHandler errorRecorder, BackendRoutes routes, ChannelGroup channels,
                             int maxContentLengthBytes) {
        this.errorRecorder = errorRecorder;
        this.routes = routes;
        this.channels = channels;
        this.maxContentLengthBytes = maxContentLengthBytes;
    }

    @Override
    protected void initChannel(Channel channel) {
        if (channels != null) {
            channels.add(channel);
        }
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("codec", new HttpServerCodec());
        pipeline.addLast("errors", errorRecorder);
        pipeline.addLast("aggregator", new BackendObjectAggregator(maxContentLengthBytes));
        pipeline.addLast("handler", new BackendServerHandler(routes));
    }
}
