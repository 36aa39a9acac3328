package io.vigia.balancer.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vigia.balancer.dashboard.Dashboard;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * The optional admin listener: serves {@code /status}, {@code /errors/stats}, {@code /health}, the dashboard
 * at {@code /} and {@code /dashboard/**}, and {@code POST /admin/reload}, apart from the proxy port, which then
 * forwards those paths like any other.
 *
 * <p>Its own error responses are counted apart from the proxied traffic; see {@link AdminErrorCounter}. It
 * runs on the balancer's event loop group. {@link #addRoute} is the hook for further exact paths, for
 * example {@code /metrics}; routes may be added from any thread, also after {@link #bind}.
 */
public final class AdminServer {

    private final AdminEndpoints endpoints;
    private final Dashboard dashboard;
    private final ConfigReload reload;
    private final AdminErrorCounter errorCounter;
    private final Map<String, Function<FullHttpRequest, FullHttpResponse>> extraRoutes = new ConcurrentHashMap<>();
    private final ChannelGroup adminChannels = new DefaultChannelGroup("vigia-admin", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;

    /**
     * @param reload      the action behind {@code POST /admin/reload}; {@code null} when there is no
     *                    configuration file, and the path then responds 409
     * @param recordError receives the status of each error response the listener sends, on an event loop
     */
    public AdminServer(AdminEndpoints endpoints, Dashboard dashboard, ConfigReload reload, IntConsumer recordError) {
        this.endpoints = endpoints;
        this.dashboard = dashboard;
        this.reload = reload;
        this.errorCounter = new AdminErrorCounter(recordError);
    }

    /**
     * Serves {@code path} with {@code handler}, which runs on an event loop and must not block. An extra
     * route takes precedence over the built-in paths except {@code /admin/reload}.
     */
    public AdminServer addRoute(String path, Function<FullHttpRequest, FullHttpResponse> handler) {
        extraRoutes.put(path, handler);
        return this;
    }

    /** Binds {@code address} and returns the bind future; the caller handles a failure. */
    public ChannelFuture bind(EventLoopGroup group, Class<? extends ServerChannel> channelClass,
                              InetSocketAddress address) {
        ChannelFuture bind = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new AdminServerInitializer(this, dashboard, adminChannels, errorCounter))
                .bind(address);
        serverChannel = bind.channel();
        return bind;
    }

    /** The bound address; valid after a successful {@link #bind}. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Closes the listener and every admin connection, and waits for both. */
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        adminChannels.close().awaitUninterruptibly();
    }

    AdminEndpoints endpoints() {
        return endpoints;
    }

    ConfigReload reload() {
        return reload;
    }

    Map<String, Function<FullHttpRequest, FullHttpResponse>> extraRoutes() {
        return extraRoutes;
    }
}
