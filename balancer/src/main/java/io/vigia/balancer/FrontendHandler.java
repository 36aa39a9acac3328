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
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.vigia.balancer.admin.AdminEndpoints;
import io.vigia.balancer.metrics.RequestRecord;
import io.vigia.balancer.pool.LoopConnectionPool;
import io.vigia.core.ErrorCause;
import io.vigia.core.http.ErrorResponse;
import io.vigia.core.http.ExpectContinue;
import io.vigia.core.http.HttpResponses;
import io.vigia.core.http.LingeringClose;
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
 *   ...  HttpServerCodec  &lt;-&gt;  ErrorRecordingHandler  &lt;-&gt;  RequestValidator
 *     &lt;-&gt;  DashboardHandler  &lt;-&gt;  FrontendHandler
 * </pre>
 *
 * <p>Pipelined requests wait: the codec may decode several messages from one read, so messages of a
 * request that arrive while the previous response is still pending wait in {@code pendingMessages}, and
 * reading stops until they are handled. Reading also stops while a request body has no backend
 * connection to go to, or while that connection cannot take more. This is the backpressure of Netty's
 * HexDumpProxy, done by switching auto-read.
 *
 * <p>A request that the codec, {@link RequestHeadScanner} or {@link RequestValidator} marks as failed gets the
 * JSON error that {@link RequestRejectedException#of} chooses (400, 408, 413, 414, 431 or 505) and the connection
 * is closed with a {@link LingeringClose}, since the client may still be sending the request. A read-idle event
 * closes the connection unless a request is in progress. All state is per connection and touched only on the
 * connection's event loop. Every message that {@code channelRead}
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
    private IdleStateHandler idleTimer;

    private ArrayDeque<HttpObject> pendingMessages;
    private ProxyExchange exchange;
    private HttpRequest adminRequest;
    private AdminEndpoints.Route adminRoute;
    private RequestRecord adminRecord;
    private ChannelFuture lastResponseWrite;
    private boolean closing;

    FrontendHandler(BalancerContext balancer) {
        this.balancer = balancer;
    }

    /** Runs once the connection is registered, which for an accepted connection is before it is active. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        idleTimer = ctx.pipeline().get(IdleStateHandler.class);
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
        if (evt instanceof IdleStateEvent) {
            closeIfIdle("idle timeout");
            return;
        }
        if (evt != DRAIN) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        // A busy connection closes when its exchange finishes, because the balancer is draining.
        closeIfIdle("balancer draining");
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
        long suppressed = cause instanceof IOException ? -1 : balancer.unexpectedErrorLog().tryAcquire(cause.getClass());
        if (suppressed >= 0) {
            log.warn("{} unexpected error on a client connection, closing it suppressed={}", ctx.channel(),
                    suppressed, cause);
        } else {
            log.debug("{} client connection failed, closing it: {}", ctx.channel(), cause.toString());
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
            if (finished.isRequestComplete()) {
                closeAfter(written);
            } else {
                lingerAfter(written);
            }
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
        restartIdleClock();
        drainPending();
        updateReading();
    }

    private void closeIfIdle(String reason) {
        if (exchange == null && adminRequest == null && (pendingMessages == null || pendingMessages.isEmpty())) {
            log.debug("{} closing connection with no request in progress: {}", ctx.channel(), reason);
            closing = true;
            ctx.close();
        }
    }

    /** Starts the idle timeout anew once a response completed, since the client may have sent nothing meanwhile. */
    private void restartIdleClock() {
        if (idleTimer != null) {
            idleTimer.resetReadTimeout();
        }
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
        AdminEndpoints.Route route = balancer.servesAdminPaths() ? AdminEndpoints.route(request.uri()) : null;
        if (route != null) {
            adminRecord = balancer.recorder().newRecord(clientIp, request);
            if (rejectedExpectation(request, route)) {
                return;
            }
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

    /**
     * Handles the {@code Expect} header of a request to a local endpoint before its body: a 417 for an
     * unsupported expectation, the final rejection without {@code 100 Continue} when the endpoint would reject
     * the request anyway, else {@code 100 Continue} when the client waits for one. Returns true when the request
     * got its final response here; the connection then closes, since the client may never send the body.
     */
    private boolean rejectedExpectation(HttpRequest request, AdminEndpoints.Route route) {
        FullHttpResponse rejection = null;
        if (ExpectContinue.hasUnsupportedExpectation(request)) {
            rejection = ExpectContinue.expectationFailed(request);
        } else if (ExpectContinue.awaitsContinue(request)) {
            rejection = balancer.admin().reject(route, request);
            if (rejection == null) {
                ctx.writeAndFlush(ExpectContinue.continueResponse());
                return false;
            }
        }
        if (rejection == null) {
            return false;
        }

        balancer.recorder().answeredLocally(adminRecord, rejection.status().code(),
                rejection.content().readableBytes());
        adminRecord = null;
        ProxyHeaders.setConnection(rejection.headers(), false, false);
        lingerAfter(ctx.writeAndFlush(rejection));
        return true;
    }

    private void respondAdmin() {
        HttpRequest request = adminRequest;
        adminRequest = null;
        FullHttpResponse response = balancer.admin().respond(adminRoute, request);
        balancer.recorder().answeredLocally(adminRecord, response.status().code(),
                response.content().readableBytes());
        adminRecord = null;

        boolean keepAlive = HttpUtil.isKeepAlive(request) && !balancer.isDraining();
        ProxyHeaders.setConnection(response.headers(), keepAlive,
                HttpVersion.HTTP_1_0.equals(request.protocolVersion()));
        lastResponseWrite = ctx.writeAndFlush(response);
        if (!keepAlive) {
            closeAfter(lastResponseWrite);
            return;
        }
        restartIdleClock();
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

        RequestRejectedException rejection = RequestRejectedException.of(cause);
        ErrorCause errorCause = rejection.errorCause();
        log.debug("{} rejected request, responding {} and closing: {}", ctx.channel(), errorCause.status(),
                rejection.getMessage());
        ErrorResponse response = HttpResponses.error(HttpResponseStatus.valueOf(errorCause.status()),
                rejection.getMessage(), errorCause, null);
        ProxyHeaders.setConnection(response.headers(), false, false);
        balancer.recorder().rejected(balancer.recorder().newUnparsedRecord(clientIp), response.status().code(),
                response.content().readableBytes());
        lingerAfter(ctx.writeAndFlush(response));
    }

    private void enqueue(HttpObject msg) {
        if (pendingMessages == null) {
            pendingMessages = new ArrayDeque<>(4);
        }
        pendingMessages.add(msg);
        updateReading();
    }

    private void drainPending() {
        boolean dispatched = false;
        while (pendingMessages != null && !pendingMessages.isEmpty() && !closing && !waitsForResponse()) {
            dispatch(pendingMessages.poll());
            dispatched = true;
        }
        // Outside a read no channelReadComplete follows, so what the dispatched messages wrote is flushed here.
        if (dispatched && exchange != null) {
            exchange.flushBackend();
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

    /** Closes the connection once {@code written} completes, draining what the client still sends meanwhile. */
    private void lingerAfter(ChannelFuture written) {
        closing = true;
        releasePending();
        LingeringClose.closeAfter(written);
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
