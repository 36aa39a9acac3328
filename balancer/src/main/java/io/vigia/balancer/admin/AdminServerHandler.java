package io.vigia.balancer.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vigia.core.http.HttpResponses;
import java.io.IOException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an admin connection: serves the {@link AdminEndpoints} paths, {@code POST /admin/reload}
 * and the extra routes of {@link AdminServer}, and responds 404 to any other path.
 *
 * <p>One instance per connection, touched only on its event loop. A reload completes on another thread and
 * its response is written back on this connection's loop; the next request on the connection waits for it
 * because reading stops until the response is written.
 */
final class AdminServerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String RELOAD_PATH = "/admin/reload";

    private static final Logger log = LoggerFactory.getLogger(AdminServerHandler.class);

    private final AdminServer server;

    AdminServerHandler(AdminServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            HttpResponses.send(ctx, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "malformed request"), false);
            return;
        }
        FullHttpResponse rejection = reject(server, request);
        if (rejection != null) {
            HttpResponses.send(ctx, rejection, keepAlive);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(RELOAD_PATH)) {
            reload(ctx, server.reload(), keepAlive);
            return;
        }

        Function<FullHttpRequest, FullHttpResponse> extra = server.extraRoutes().get(path);
        FullHttpResponse response = extra != null
                ? extra.apply(request)
                : server.endpoints().respond(AdminEndpoints.route(path), request);
        HttpResponses.send(ctx, response, keepAlive);
    }

    /**
     * Returns the error response when the admin listener rejects {@code request} on its head alone (unknown
     * path, method not allowed, nothing to reload), else null.
     */
    static FullHttpResponse reject(AdminServer server, HttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(RELOAD_PATH)) {
            if (!HttpMethod.POST.equals(request.method())) {
                FullHttpResponse rejected = HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                        "method " + request.method() + " is not allowed on " + RELOAD_PATH + "; use POST");
                rejected.headers().set(HttpHeaderNames.ALLOW, "POST");
                return rejected;
            }
            return server.reload() == null ? HttpResponses.error(HttpResponseStatus.CONFLICT,
                    "nothing to reload: the balancer was started without --config") : null;
        }
        if (server.extraRoutes().containsKey(path)) {
            return null;
        }
        AdminEndpoints.Route route = AdminEndpoints.route(path);
        if (route == null) {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no admin endpoint at " + path);
        }
        return server.endpoints().reject(route, request);
    }

    private void reload(ChannelHandlerContext ctx, ConfigReload reload, boolean keepAlive) {
        ctx.channel().config().setAutoRead(false);
        reload.reload().whenComplete((outcome, failure) -> ctx.executor().execute(() -> {
            FullHttpResponse response = failure != null
                    ? HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "reload failed: " + failure)
                    : HttpResponses.json(outcome.applied() ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST,
                            outcome.body());
            HttpResponses.send(ctx, response, keepAlive);
            ctx.channel().config().setAutoRead(true);
        }));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} admin connection failed: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("{} unexpected error on an admin connection, closing it", ctx.channel(), cause);
        }
        ctx.close();
    }
}
