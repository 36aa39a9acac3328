package io.vigia.balancer.dashboard;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.vigia.core.http.HttpResponses;
import io.vigia.core.net.Transports;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP server on an ephemeral port whose pipeline is {@code HttpServerCodec -> DashboardHandler ->
 * fallback}. The fallback responds with 418 to every request the dashboard passes on, so tests can tell the two
 * apart.
 */
final class DashboardTestServer implements AutoCloseable {

    static final HttpResponseStatus FALLBACK_STATUS = HttpResponseStatus.valueOf(418);

    private final EventLoopGroup group;
    private final Dashboard dashboard;
    private final Channel serverChannel;

    private DashboardTestServer(EventLoopGroup group, Dashboard dashboard, Channel serverChannel) {
        this.group = group;
        this.dashboard = dashboard;
        this.serverChannel = serverChannel;
    }

    static DashboardTestServer start(DashboardSnapshotSource source) throws InterruptedException {
        return start(source, 0);
    }

    static DashboardTestServer start(DashboardSnapshotSource source, int port) throws InterruptedException {
        Transports transport = Transports.best();
        EventLoopGroup group = transport.newGroup(2, "dashboard-test");
        Dashboard dashboard = Dashboard.start(source, group.next());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), dashboard.newHandler(), new Fallback());
                    }
                });
        Channel serverChannel = bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        return new DashboardTestServer(group, dashboard, serverChannel);
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    Dashboard dashboard() {
        return dashboard;
    }

    @Override
    public void close() {
        dashboard.stop().awaitUninterruptibly(5, TimeUnit.SECONDS);
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Responds with 418 to every request that reaches it and releases every message. */
    private static final class Fallback extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest) {
                HttpResponses.send(ctx, HttpResponses.error(FALLBACK_STATUS, "not a dashboard path"),
                        HttpUtil.isKeepAlive((HttpRequest) msg));
            }
        }
    }
}
