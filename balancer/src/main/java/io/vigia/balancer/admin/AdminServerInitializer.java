package io.vigia.balancer.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.vigia.balancer.dashboard.Dashboard;

/**
 * Builds the pipeline of every admin connection:
 * <pre>
 *   HttpServerCodec  &lt;-&gt;  AdminErrorCounter  &lt;-&gt;  DashboardHandler (root)  &lt;-&gt;  AdminExpectationHandler
 *     &lt;-&gt;  HttpObjectAggregator  &lt;-&gt;  AdminServerHandler
 * </pre>
 * The dashboard handler serves {@code /} and {@code /dashboard/**}; admin requests are small, so the rest
 * are aggregated. There is no error recorder: the error monitor counts proxied traffic, and the
 * {@link AdminErrorCounter} counts the admin listener's errors apart. One shared instance serves the admin
 * listener.
 */
final class AdminServerInitializer extends ChannelInitializer<Channel> {

    /** Admin requests carry no meaningful body; a larger one gets 413. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final AdminServer server;
    private final Dashboard dashboard;
    private final ChannelGroup adminChannels;
    private final AdminErrorCounter errorCounter;

    AdminServerInitializer(AdminServer server, Dashboard dashboard, ChannelGroup adminChannels,
                           AdminErrorCounter errorCounter) {
        this.server = server;
        this.dashboard = dashboard;
        this.adminChannels = adminChannels;
        this.errorCounter = errorCounter;
    }

    @Override
    protected void initChannel(Channel ch) {
        adminChannels.add(ch);
        ch.pipeline()
                .addLast("codec", new HttpServerCodec())
                .addLast("errors", errorCounter)
                .addLast("dashboard", dashboard.newRootHandler())
                .addLast("expectation", new AdminExpectationHandler(server, MAX_REQUEST_BYTES))
                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                .addLast("admin", new AdminServerHandler(server));
    }
}
