package io.vigia.balancer;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vigia.balancer.admin.AdminEndpoints;
import io.vigia.balancer.pool.LoopConnectionPool;
import io.vigia.core.ErrorCause;
import io.vigia.core.http.ErrorResponse;
import io.vigia.core.http.HttpResponses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a client connection: serves the balancer's own endpoints and hands every other
 * request to a {@link ProxyExchange}, one request at a time.
 *
 * <pre>
 *   HttpServerCodec  &lt;-&gt;  ErrorRecordingHandler  &lt;-&gt;  FrontendHandler
 * </pre>
 *
 * <p>Pipelined requests wait: the codec may decode several messages from one read, so messages of a
 * request that arrive while the previous response is still pending wait in {@code pendingMessages}, and
 * reading stops until they are handled. Reading also stops while a request body has no backend
 * connection to go to, or while that connection cannot take more. This is the backpressure of Netty's
 * HexDumpProxy, done by switching auto-read.
 *
 * <p>A request the codec cannot parse gets a 400 JSON error and the connection is closed. All state is
 * per connection and touched only on the connection's event loop. Every message that {@code channelRead}
 * receives is dispatched, queued (and released in {@link #channelInactive} if never dispatched) or released.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    /** User event that closes an idle connection now and a busy one after its response. */
    static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "DRAIN";
        }
    };

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private final BalancerContext balancer;
    private ChannelHandlerContext ctx;
    private LoopConnectionPool pool;
    private ResponseDeadlines deadlines;
    private String clientIp;

    private ArrayDeque<HttpObject> pendingMessages;
    private ProxyExchange exchange;
    private HttpRequest adminRequest;
    private AdminEndpoints.Route adminRoute;
    private ChannelFuture lastResponseWrite;
    private boolean closing;

    FrontendHandler(BalancerContext balancer) {
        this.balancer = balancer;
    }

    /** Runs once the connection is registered, which for an accepted connection is before it is active. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        pool = balancer.pools().forLoop(ctx.channel().eventLoop());
        deadlines = balancer.responseDeadlines(ctx.channel().eventLoop());
        clientIp = hostAddress(ctx.channel().remoteAddress());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing || !(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        HttpObject object = (HttpObject) msg;
        if ((pendingMessages != null && !pendingMessages.isEmpty()) || waitsForResponse()) {
            enqueue(object);
            return;
        }
        dispatch(object);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushBackend();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onClientWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt != DRAIN) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (exchange == null && adminRequest == null && (pendingMessages == null || pendingMessages.isEmpty())) {
            closing = true;
            ctx.close();
        }
        // A busy connection closes when its exchange finishes, because the balancer is draining.
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        releasePending();
        adminRequest = null;
        if (exchange != null) {
            ProxyExchange current = exchange;
            exchange = null;
            current.onClientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} client connection failed: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("{} unexpected error on a client connection, closing it", ctx.channel(), cause);
        }
        ctx.close();
    }

    /** Called by the exchange once the client has the whole response, or an error in its place. */
    void onResponseDone(ProxyExchange finished, boolean keepAlive, ChannelFuture written) {
        if (finished != exchange) {
            return;
        }
        lastResponseWrite = written;
        if (!keepAlive) {
            exchange = null;
            closeAfter(written);
            return;
        }
        if (finished.isRequestComplete()) {
            onExchangeFinished(finished);
        } else {
            // The rest of the request body is read and dropped before the next request.
            updateReading();
        }
    }

    /** Called once both the response is written and the request fully read. */
    void onExchangeFinished(ProxyExchange finished) {
        if (finished != exchange) {
            return;
        }
        exchange = null;
        if (balancer.isDraining()) {
            closeAfter(lastResponseWrite);
            return;
        }
        drainPending();
        updateReading();
    }

    /** Closes the client connection at once, for a response that failed after its head was sent. */
    void abortClient() {
        closing = true;
        exchange = null;
        releasePending();
        ctx.close();
    }

    /** Turns auto-read on or off to match whether this connection can take more input now. */
    void updateReading() {
        boolean shouldRead = !closing && (pendingMessages == null || pendingMessages.isEmpty())
                && (exchange == null || exchange.canTakeMoreInput());
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead() != shouldRead) {
            config.setAutoRead(shouldRead);
        }
    }

    private boolean waitsForResponse() {
        return exchange != null && exchange.isRequestComplete();
    }

    private void dispatch(HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            rejectMalformed(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            onRequestHead((HttpRequest) msg);
        }
        if (msg instanceof HttpContent) {
            onRequestContent((HttpContent) msg);
        }
    }

    private void onRequestHead(HttpRequest request) {
        AdminEndpoints.Route route = AdminEndpoints.route(request.uri());
        if (route != null) {
            adminRequest = request;
            adminRoute = route;
            return;
        }
        exchange = new ProxyExchange(this, ctx, balancer, pool, deadlines, request, clientIp);
        exchange.start();
    }

    private void onRequestContent(HttpContent content) {
        if (closing) {
            content.release();
            return;
        }
        if (adminRequest != null) {
            content.release();
            if (content instanceof LastHttpContent) {
                respondAdmin();
            }
            return;
        }
        if (exchange != null) {
            exchange.onRequestContent(content);
            return;
        }
        content.release();
    }

    private void respondAdmin() {
        HttpRequest request = adminRequest;
        adminRequest = null;
        FullHttpResponse response = balancer.admin().respond(adminRoute, request);

        boolean keepAlive = HttpUtil.isKeepAlive(request) && !balancer.isDraining();
        ProxyHeaders.setConnection(response.headers(), keepAlive,
                HttpVersion.HTTP_1_0.equals(request.protocolVersion()));
        lastResponseWrite = ctx.writeAndFlush(response);
        if (!keepAlive) {
            closeAfter(lastResponseWrite);
            return;
        }
        drainPending();
        updateReading();
    }

    private void rejectMalformed(HttpObject msg) {
        Throwable cause = msg.decoderResult().cause();
        ReferenceCountUtil.release(msg);
        adminRequest = null;
        if (exchange != null) {
            boolean answered = exchange.hasResponseStarted();
            exchange.abandon();
            exchange = null;
            if (answered) {
                abortClient();
                return;
            }
        }

        String reason = ProxyExchange.describe(cause);
        log.debug("{} malformed request, responding 400 and closing: {}", ctx.channel(), reason);
        ErrorResponse response = HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "malformed request: " + reason,
                ErrorCause.MALFORMED_REQUEST, null);
        ProxyHeaders.setConnection(response.headers(), false, false);
        closeAfter(ctx.writeAndFlush(response));
    }

    private void enqueue(HttpObject msg) {
        if (pendingMessages == null) {
            pendingMessages = new ArrayDeque<>(4);
        }
        pendingMessages.add(msg);
        updateReading();
    }

    private void drainPending() {
        while (pendingMessages != null && !pendingMessages.isEmpty() && !closing && !waitsForResponse()) {
            dispatch(pendingMessages.poll());
        }
    }

    private void releasePending() {
        if (pendingMessages == null) {
            return;
        }
        HttpObject msg;
        while ((msg = pendingMessages.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void closeAfter(ChannelFuture written) {
        closing = true;
        releasePending();
        if (written == null) {
            ctx.close();
            return;
        }
        written.addListener(ChannelFutureListener.CLOSE);
    }

    private static String hostAddress(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
