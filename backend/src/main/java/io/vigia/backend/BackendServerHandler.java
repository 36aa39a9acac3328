package io.vigia.backend;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vigia.core.ErrorCause;
import io.vigia.core.http.HttpResponses;
import io.vigia.core.log.LogRateLimiter;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests of one client connection in order, writing exactly one response to each.
 *
 * <p>Sits last in the pipeline that {@link BackendServerInitializer} builds and receives aggregated
 * {@link FullHttpRequest}s and {@link OversizedRequest}s. A response that needs the {@link TaskStore} is
 * written when the store's future completes, back on this connection's event loop. Until then, later requests
 * on the connection (HTTP/1.1 pipelining) wait in a queue and reading pauses, so responses leave in request
 * order. Each request is released once it has been routed, and queued ones are released when the connection
 * closes.
 *
 * <p>A request the decoder could not parse gets 400 and the connection closes. An exception thrown while
 * routing, or a failed store future, gets 500 with the exception's message. A body over the limit gets 413.
 * There is one instance per connection, and every field is touched only on the connection's event loop.
 */
final class BackendServerHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(BackendServerHandler.class);
    /**
     * Shared by all connections so that a failure repeated on every request logs loudly once per interval for
     * each exception class.
     */
    private static final LogRateLimiter FAILURE_LOG = new LogRateLimiter(10, TimeUnit.SECONDS);

    private final BackendRoutes routes;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    /** A request was taken from the queue and its response is not written yet. */
    private boolean responding;
    /** A response with {@code Connection: close} was sent, or the connection closed: read nothing more. */
    private boolean closing;

    BackendServerHandler(BackendRoutes routes) {
        this.routes = routes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof FullHttpRequest) && !(msg instanceof OversizedRequest)) {
            logger.warn("{} dropped a message of unexpected type={}", ctx.channel(), msg.getClass().getName());
            ReferenceCountUtil.release(msg);
            return;
        }

        waiting.add(msg);
        serveWaiting(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            logger.debug("{} connection failed, closing it", ctx.channel(), cause);
            ctx.close();
            return;
        }
        logger.warn("{} unexpected failure in the pipeline, closing the connection", ctx.channel(), cause);
        if (responding || closing || !ctx.channel().isActive()) {
            ctx.close();
            return;
        }

        closing = true;
        releaseWaiting();
        HttpResponses.send(ctx, internalError(cause), false);
    }

    /** Serves queued requests until one has to wait for the store or the queue is empty. */
    private void serveWaiting(ChannelHandlerContext ctx) {
        while (!responding && !closing) {
            Object next = waiting.poll();
            if (next == null) {
                ctx.channel().config().setAutoRead(true);
                return;
            }
            serve(ctx, next);
        }
        // Reading resumes when the queue is empty again, so a pipelining client cannot grow the queue beyond
        // what one read brought in.
        ctx.channel().config().setAutoRead(false);
    }

    private void serve(ChannelHandlerContext ctx, Object message) {
        responding = true;
        if (message instanceof OversizedRequest) {
            OversizedRequest oversized = (OversizedRequest) message;
            Exchange exchange = new Exchange(oversized.method(), oversized.uri(), oversized.keepAlive(), false,
                    System.nanoTime());
            respond(ctx, exchange, payloadTooLarge(oversized), null);
            return;
        }

        FullHttpRequest request = (FullHttpRequest) message;
        Exchange exchange = Exchange.of(request);
        CompletableFuture<FullHttpResponse> pending;
        try {
            pending = dispatch(ctx, request);
        } finally {
            request.release();
        }

        if (pending.isDone()) {
            respondWhenDone(ctx, exchange, pending);
            return;
        }
        pending.whenCompleteAsync((response, failure) -> {
            try {
                respond(ctx, exchange, response, failure);
                serveWaiting(ctx);
            } catch (RuntimeException e) {
                // CompletableFuture would swallow this, so hand it to the pipeline's error path instead.
                exceptionCaught(ctx, e);
            }
        }, ctx.executor());
    }

    private CompletableFuture<FullHttpResponse> dispatch(ChannelHandlerContext ctx, FullHttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            logger.debug("{} malformed request", ctx.channel(), decoded.cause());
            return CompletableFuture.completedFuture(HttpResponses.error(HttpResponseStatus.BAD_REQUEST,
                    "malformed HTTP request: " + describe(decoded.cause()), ErrorCause.MALFORMED_REQUEST, null));
        }
        try {
            return routes.route(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void respondWhenDone(ChannelHandlerContext ctx, Exchange exchange,
                                 CompletableFuture<FullHttpResponse> done) {
        FullHttpResponse response = null;
        Throwable failure = null;
        try {
            response = done.join();
        } catch (CompletionException e) {
            failure = e;
        }
        respond(ctx, exchange, response, failure);
    }

    /** Writes the response for {@code exchange}, or a 500 built from {@code failure}, and releases what it must. */
    private void respond(ChannelHandlerContext ctx, Exchange exchange, FullHttpResponse result, Throwable failure) {
        responding = false;
        FullHttpResponse response = result;
        if (failure != null || result == null) {
            response = internalError(ctx, exchange, failure);
        }
        if (!ctx.channel().isActive()) {
            logger.debug("{} connection closed before the response was ready method={} uri={} status={}",
                    ctx.channel(), exchange.method(), exchange.uri(), response.status().code());
            ReferenceCountUtil.release(response);
            return;
        }

        boolean keepAlive = exchange.keepAlive();
        if (keepAlive && exchange.http10()) {
            // HTTP/1.0 closes by default, so a client that asked for keep-alive must see it confirmed.
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (!keepAlive) {
            closing = true;
            releaseWaiting();
        }
        logger.debug("{} method={} uri={} status={} keepAlive={}", ctx.channel(), exchange.method(), exchange.uri(),
                response.status().code(), keepAlive);
        routes.metrics().recordRequest(RouteTemplate.of(exchange.uri()), exchange.method(), response.status().code(),
                exchange.startNanos());
        HttpResponses.send(ctx, response, keepAlive).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                logger.debug("{} writing the response failed, closing", future.channel(), future.cause());
                future.channel().close();
            }
        });
    }

    private static FullHttpResponse internalError(ChannelHandlerContext ctx, Exchange exchange, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause == null) {
            cause = new IllegalStateException("no response was produced for " + exchange.method() + " "
                    + exchange.uri());
        }
        logFailure(ctx, exchange, cause);
        return internalError(cause);
    }

    /**
     * Logs a failure that becomes a 500: a simulated one as one line without a stack trace, any other with
     * its stack trace, at info or warn once per interval for each exception class and at debug in between.
     */
    private static void logFailure(ChannelHandlerContext ctx, Exchange exchange, Throwable cause) {
        long suppressed = FAILURE_LOG.tryAcquire(cause.getClass());
        if (cause instanceof SimulatedFailureException) {
            if (suppressed == LogRateLimiter.SUPPRESSED) {
                logger.debug("{} simulated failure method={} uri={} status=500", ctx.channel(), exchange.method(),
                        exchange.uri());
            } else {
                logger.info("{} simulated failure method={} uri={} status=500 message=\"{}\" suppressed={}",
                        ctx.channel(), exchange.method(), exchange.uri(), cause.getMessage(), suppressed);
            }
        } else if (suppressed == LogRateLimiter.SUPPRESSED) {
            logger.debug("{} request failed method={} uri={}", ctx.channel(), exchange.method(), exchange.uri(),
                    cause);
        } else {
            logger.warn("{} request failed method={} uri={} suppressed={}", ctx.channel(), exchange.method(),
                    exchange.uri(), suppressed, cause);
        }
    }

    private static FullHttpResponse internalError(Throwable cause) {
        return HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, describe(cause),
                ErrorCause.INTERNAL_FAILURE, null);
    }

    private static FullHttpResponse payloadTooLarge(OversizedRequest oversized) {
        return HttpResponses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "request body exceeds the maximum of " + oversized.maxContentLengthBytes() + " bytes", null, null);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getName() : message;
    }

    private void releaseWaiting() {
        Object message;
        while ((message = waiting.poll()) != null) {
            ReferenceCountUtil.release(message);
        }
    }

    /**
     * The parts of a request that the handler keeps after releasing the request.
     *
     * @param method    request method, or {@code null} for a request the decoder could not parse
     * @param uri       request target, or {@code null} for a request the decoder could not parse
     * @param keepAlive whether the connection stays open after the response
     * @param http10    whether the request was HTTP/1.0
     * @param startNanos {@link System#nanoTime()} when the handler took the request
     */
    private record Exchange(String method, String uri, boolean keepAlive, boolean http10, long startNanos) {

        static Exchange of(FullHttpRequest request) {
            if (request.decoderResult().isFailure()) {
                // The decoder fills in placeholder values, and the rest of the stream cannot be trusted.
                return new Exchange(null, null, false, false, System.nanoTime());
            }
            return new Exchange(request.method().name(), request.uri(), HttpUtil.isKeepAlive(request),
                    request.protocolVersion().equals(HttpVersion.HTTP_1_0), System.nanoTime());
        }
    }
}
