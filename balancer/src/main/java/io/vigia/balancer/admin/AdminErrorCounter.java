package io.vigia.balancer.admin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.vigia.core.ErrorBucket;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the error responses (status 400 or more) of the admin listener: an unknown path, a wrong method,
 * a malformed or too large request, a rejected reload.
 *
 * <p>They go to their own counter and stay out of the error monitor, so {@code /errors/stats}, the dashboard
 * and {@code vigia_errors_total} keep counting only the traffic that crosses the balancer. HAProxy keeps the
 * errors of its stats socket out of its backend statistics in the same way. A mistyped admin request is
 * then visible without moving the proxied error ratio or the alerts built on it.
 *
 * <p>Sits right after the {@code HttpServerCodec}, so it receives every response head, the dashboard's and the
 * aggregator's included. {@link Sharable} and stateless; runs on the admin connections' event loops.
 */
@Sharable
final class AdminErrorCounter extends ChannelOutboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AdminErrorCounter.class);

    private final IntConsumer recordError;

    /** @param recordError receives the status of each error response; must be thread-safe and quick */
    AdminErrorCounter(IntConsumer recordError) {
        this.recordError = recordError;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse) {
            int status = ((HttpResponse) msg).status().code();
            if (ErrorBucket.isError(status)) {
                log.debug("{} admin listener responded status={}", ctx.channel(), status);
                recordError.accept(status);
            }
        }
        ctx.write(msg, promise);
    }
}
