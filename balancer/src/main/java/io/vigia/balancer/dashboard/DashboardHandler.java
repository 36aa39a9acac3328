package io.vigia.balancer.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorStatsJson;
import io.vigia.core.http.ExpectContinue;
import io.vigia.core.http.HttpResponses;
import io.vigia.core.log.LogRateLimiter;
import io.vigia.core.http.LingeringClose;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the dashboard's requests on a frontend connection and passes every other message on.
 *
 * <p>Sits after {@code HttpServerCodec} (and {@code ErrorRecordingHandler}, so the dashboard's own 404s are
 * counted like any other) and before the proxy handler:
 * <pre>
 *   HttpServerCodec  &lt;-&gt;  ErrorRecordingHandler  &lt;-&gt;  DashboardHandler  &lt;-&gt;  proxy handler
 * </pre>
 * It works with streamed requests (an {@link HttpRequest} followed by {@link HttpContent} chunks) as well as
 * aggregated ones. For a dashboard request it consumes the head and the body chunks up to the
 * {@link LastHttpContent}, releases them and writes the response itself. Paths:
 * <ul>
 *   <li>{@code GET /dashboard} (and {@code /dashboard/}; also {@code /} for a root handler): the page, in
 *       Spanish when {@code Accept-Language} prefers {@code es} and in English otherwise;
 *   <li>{@code GET /dashboard/app.js}, {@code /dashboard/app.css}, {@code /dashboard/favicon.svg}: its files;
 *   <li>{@code GET /dashboard/snapshot}: the current snapshot as JSON;
 *   <li>{@code GET /dashboard/events}: a {@code text/event-stream} of snapshots, see {@link DashboardEventHub};
 *   <li>any other path under {@code /dashboard/}: 404. Methods other than GET and HEAD get 405 (events:
 *       only GET).
 * </ul>
 * A request with {@code Expect: 100-continue} and a body gets one {@code 100 Continue} and its response once the
 * body is read, or, when the path or method is rejected, the 404 or 405 at once and the connection closed, as
 * does an unsupported expectation with a 417.
 *
 * <p>Once a connection carries an event stream it accepts no further request: one arriving is released and the
 * connection is closed, because the stream's response never ends and a later response could not follow it.
 *
 * <p>NOTE: the response is written as soon as the request arrives. With HTTP/1.1 pipelining, a dashboard
 * request queued behind a proxied one would be answered first unless the proxy handler stops reading while a
 * request is in flight.
 *
 * <p>One instance per connection, touched only on that connection's event loop.
 */
public final class DashboardHandler extends ChannelInboundHandlerAdapter {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String SCRIPT_CONTENT_TYPE = "text/javascript; charset=utf-8";
    static final String STYLE_CONTENT_TYPE = "text/css; charset=utf-8";
    static final String ICON_CONTENT_TYPE = "image/svg+xml";
    static final String EVENT_STREAM_CONTENT_TYPE = "text/event-stream; charset=utf-8";
    private static final String X_CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    private static final String NOSNIFF = "nosniff";

    private static final Logger logger = LoggerFactory.getLogger(DashboardHandler.class);
    private static final LogRateLimiter snapshotWarnings = new LogRateLimiter(60, TimeUnit.SECONDS);

    private final Dashboard dashboard;
    private final boolean servesRoot;
    /** True between a consumed request head and its last content chunk. */
    private boolean discardingBody;
    /** True once this connection carries an event stream. */
    private boolean streaming;
    /** True when this read batch contained a message this handler consumed. */
    private boolean consumedInBatch;
    /** A request that got {@code 100 Continue} and is served once its body has been read, or null. */
    private HttpRequest requestAwaitingBody;
    private Route routeAwaitingBody;
    /** True once a rejection closes the connection: everything read after it is released. */
    private boolean closing;

    DashboardHandler(Dashboard dashboard, boolean servesRoot) {
        this.dashboard = dashboard;
        this.servesRoot = servesRoot;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            consumedInBatch = true;
            ReferenceCountUtil.release(msg);
            return;
        }
        if (streaming) {
            consumeWhileStreaming(ctx, msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            HttpRequest request = (HttpRequest) msg;
            Route route = request.decoderResult().isSuccess() ? route(request.uri()) : null;
            if (route == null) {
                ctx.fireChannelRead(msg);
                return;
            }
            consume(msg);
            try {
                serveOrAwaitBody(ctx, request, route, msg instanceof LastHttpContent);
            } finally {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (discardingBody && msg instanceof HttpContent) {
            consume(msg);
            ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent && requestAwaitingBody != null) {
                HttpRequest request = requestAwaitingBody;
                requestAwaitingBody = null;
                serve(ctx, request, routeAwaitingBody);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // An event stream receives no bytes after its request, so the read-idle timeout must not close it.
        if (streaming && evt instanceof IdleStateEvent) {
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // The handler behind may read on demand (auto-read off). It never saw what was consumed here, so this
        // handler requests the next read itself.
        if (consumedInBatch && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        consumedInBatch = false;
        ctx.fireChannelReadComplete();
    }

    private void consume(Object msg) {
        consumedInBatch = true;
        discardingBody = !(msg instanceof LastHttpContent);
    }

    private void consumeWhileStreaming(ChannelHandlerContext ctx, Object msg) {
        consumedInBatch = true;
        ReferenceCountUtil.release(msg);
        if (msg instanceof HttpRequest) {
            logger.debug("{} request on a dashboard event stream connection, closing it", ctx.channel());
            ctx.close();
        }
    }

    /** Returns the route of {@code uri}, or null when the path is not the dashboard's. */
    Route route(String uri) {
        // Nearly every request is proxied, and the decoder allocates. Every dashboard path starts with
        // /dashboard, and the raw path is a prefix of the target, so any other target needs no decoding.
        if (!servesRoot && !uri.startsWith("/dashboard")) {
            return null;
        }
        String path = new QueryStringDecoder(uri).rawPath();
        if (servesRoot && path.equals("/")) {
            return Route.PAGE;
        }
        if (path.equals("/dashboard") || path.equals("/dashboard/")) {
            return Route.PAGE;
        }
        if (!path.startsWith("/dashboard/")) {
            return null;
        }
        return Route.ofSubPath(path.substring("/dashboard/".length()));
    }

    /**
     * Serves {@code request} now, or handles its {@code Expect} header first (see the class comment).
     * {@code bodyComplete} is true for an aggregated request, whose body has already arrived.
     */
    private void serveOrAwaitBody(ChannelHandlerContext ctx, HttpRequest request, Route route,
                                  boolean bodyComplete) {
        if (ExpectContinue.hasUnsupportedExpectation(request)) {
            rejectAndClose(ctx, ExpectContinue.expectationFailed(request));
            return;
        }
        if (bodyComplete || !ExpectContinue.awaitsContinue(request)) {
            serve(ctx, request, route);
            return;
        }
        FullHttpResponse rejection = reject(request, route);
        if (rejection != null) {
            rejectAndClose(ctx, rejection);
            return;
        }
        ctx.writeAndFlush(ExpectContinue.continueResponse());
        requestAwaitingBody = request;
        routeAwaitingBody = route;
    }

    /** Sends {@code response} with {@code Connection: close} and closes once the client stopped sending. */
    private void rejectAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
        closing = true;
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        LingeringClose.closeAfter(ctx.writeAndFlush(response));
    }

    /** Returns the 404 or 405 response when {@code route} does not serve {@code request}, else null. */
    private static FullHttpResponse reject(HttpRequest request, Route route) {
        if (route == Route.NOT_FOUND) {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no dashboard resource at " + request.uri());
        }
        if (!route.allows(request.method())) {
            FullHttpResponse response = HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method " + request.method() + " is not allowed on " + request.uri() + ", use " + route.allow);
            response.headers().set(HttpHeaderNames.ALLOW, route.allow);
            return response;
        }
        return null;
    }

    private void serve(ChannelHandlerContext ctx, HttpRequest request, Route route) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        FullHttpResponse rejection = reject(request, route);
        if (rejection != null) {
            HttpResponses.send(ctx, rejection, keepAlive);
            return;
        }
        switch (route) {
            case PAGE:
                servePage(ctx, request, keepAlive);
                break;
            case SNAPSHOT:
                serveSnapshot(ctx, keepAlive);
                break;
            case EVENTS:
                openEventStream(ctx, request);
                break;
            default:
                serveFile(ctx, route, keepAlive);
                break;
        }
    }

    private void servePage(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive) {
        DashboardLanguage language =
                DashboardLanguage.fromAcceptLanguage(request.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE));
        FullHttpResponse response = fullResponse(dashboard.pages().page(language), HttpResponses.HTML_CONTENT_TYPE);
        response.headers()
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_LANGUAGE)
                .set("Referrer-Policy", "no-referrer");
        HttpResponses.send(ctx, response, keepAlive);
    }

    private void serveFile(ChannelHandlerContext ctx, Route route, boolean keepAlive) {
        DashboardPages pages = dashboard.pages();
        FullHttpResponse response;
        if (route == Route.SCRIPT) {
            response = fullResponse(pages.script(), SCRIPT_CONTENT_TYPE);
        } else if (route == Route.STYLE) {
            response = fullResponse(pages.styleSheet(), STYLE_CONTENT_TYPE);
        } else {
            response = fullResponse(pages.icon(), ICON_CONTENT_TYPE);
        }
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpResponses.send(ctx, response, keepAlive);
    }

    private void serveSnapshot(ChannelHandlerContext ctx, boolean keepAlive) {
        byte[] json;
        try {
            json = ErrorStatsJson.MAPPER.writeValueAsBytes(dashboard.source().snapshot());
        } catch (JsonProcessingException | RuntimeException e) {
            long suppressed = snapshotWarnings.tryAcquire(e.getClass());
            if (suppressed >= 0) {
                logger.warn("{} dashboard snapshot failed suppressed={}", ctx.channel(), suppressed, e);
            }
            HttpResponses.send(ctx, HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "dashboard snapshot failed; the balancer log has the cause", ErrorCause.INTERNAL_FAILURE, null),
                    keepAlive);
            return;
        }
        FullHttpResponse response = HttpResponses.json(HttpResponseStatus.OK, json);
        response.headers()
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        HttpResponses.send(ctx, response, keepAlive);
    }

    private void openEventStream(ChannelHandlerContext ctx, HttpRequest request) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpHeaders headers = head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM_CONTENT_TYPE)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(X_CONTENT_TYPE_OPTIONS, NOSNIFF)
                // Asks a buffering reverse proxy in front of the balancer (nginx honours it) to pass events at once.
                .set("X-Accel-Buffering", "no");
        if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            // HTTP/1.0 has no chunked encoding: the stream is the rest of the connection.
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        streaming = true;
        ctx.writeAndFlush(head);
        dashboard.hub().register(ctx.channel());
        logger.debug("{} dashboard event stream requested", ctx.channel());
    }

    private static FullHttpResponse fullResponse(byte[] body, CharSequence contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
        return response;
    }

    /** Kind of resource at a dashboard path, with the methods it allows. */
    enum Route {
        PAGE("GET, HEAD"),
        SCRIPT("GET, HEAD"),
        STYLE("GET, HEAD"),
        ICON("GET, HEAD"),
        SNAPSHOT("GET, HEAD"),
        EVENTS("GET"),
        NOT_FOUND("GET, HEAD");

        final String allow;

        Route(String allow) {
            this.allow = allow;
        }

        boolean allows(HttpMethod method) {
            return method.equals(HttpMethod.GET) || (method.equals(HttpMethod.HEAD) && this != EVENTS);
        }

        static Route ofSubPath(String subPath) {
            switch (subPath) {
                case "app.js":
                    return SCRIPT;
                case "app.css":
                    return STYLE;
                case "favicon.svg":
                    return ICON;
                case "snapshot":
                    return SNAPSHOT;
                case "events":
                    return EVENTS;
                default:
                    return NOT_FOUND;
            }
        }
    }
}
