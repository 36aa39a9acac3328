package io.vigia.balancer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of every client connection:
 * <pre>
 *   IdleStateHandler  &lt;-&gt;  RequestHeadScanner  &lt;-&gt;  HttpServerCodec
 *     &lt;-&gt;  ErrorRecordingHandler (shared)  &lt;-&gt;  RequestValidator  &lt;-&gt;  DashboardHandler  &lt;-&gt;  FrontendHandler
 * </pre>
 * (without the dashboard handler when a separate admin listener serves it) and registers the connection
 * in the group the server drains on shutdown. A connection over the connection limit gets a 503 from
 * {@link ConnectionLimiter} and no pipeline. Messages are streamed, never
 * aggregated. One shared instance serves the whole server.
 *
 * <p>The {@code IdleStateHandler} only watches reads, so it costs nothing per write. {@link FrontendHandler}
 * closes the connection on its event unless a request is in progress, and restarts its clock after each
 * response; {@code DashboardHandler} ignores it while it streams events.
 */
final class BalancerServerInitializer extends ChannelInitializer<Channel> {

    private static final Logger log = LoggerFactory.getLogger(BalancerServerInitializer.class);

    private final BalancerContext balancer;
    private final ChannelGroup clientChannels;
    private final ClientLimits limits;
    private final ConnectionLimiter connectionLimiter;

    BalancerServerInitializer(BalancerContext balancer, ChannelGroup clientChannels) {
        this.balancer = balancer;
        this.clientChannels = clientChannels;
        this.limits = balancer.config().clientLimits();
        this.connectionLimiter = new ConnectionLimiter(limits.maxConnections(), balancer.monitor());
        log.info("client limits max_request_line_bytes={} max_header_bytes={} max_body_bytes={} "
                + "client_header_timeout_ms={} client_body_timeout_ms={} idle_timeout_ms={} max_connections={}",
                limits.maxRequestLineBytes(), limits.maxHeaderBytes(),
                limits.limitsBody() ? limits.maxBodyBytes() : "unlimited", limits.clientHeaderTimeoutMillis(),
                limits.clientBodyTimeoutMillis(), limits.idleTimeoutMillis(), limits.maxConnections());
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!connectionLimiter.tryAccept(ch)) {
            return;
        }
        clientChannels.add(ch);
        HttpDecoderConfig decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes());
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(limits.idleTimeoutMillis(), 0, 0, TimeUnit.MILLISECONDS))
                .addLast("scanner", new RequestHeadScanner(limits))
                .addLast("codec", new HttpServerCodec(decoderConfig))
                .addLast("errors", balancer.errorRecorder())
                .addLast("validator", new RequestValidator(limits));
        if (balancer.servesAdminPaths()) {
            ch.pipeline().addLast("dashboard", balancer.dashboard().newHandler());
        }
        ch.pipeline().addLast("frontend", new FrontendHandler(balancer));
    }
}
