package io.vigia.balancer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigia.core.ErrorCause;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of a client connection, before the HTTP codec: checks the raw framing of every request with a
 * {@link RequestFraming} and times out clients that send a request head or body too slowly.
 *
 * <pre>
 *   IdleStateHandler  &lt;-&gt;  RequestHeadScanner  &lt;-&gt;  HttpServerCodec  &lt;-&gt;  ...
 *     &lt;-&gt;  FrontendHandler
 * </pre>
 *
 * <p>Valid bytes pass to the codec unchanged, in the same buffers. When a request turns out to be invalid,
 * only the bytes before the fault pass, so the codec never completes the faulty head, and the handler sends
 * on a failed {@code HttpRequest} (fault in a head) or a failed {@code LastHttpContent} (fault in a body)
 * carrying a {@link RequestRejectedException}. {@link FrontendHandler} responds to it like to any decoder failure.
 * Everything the client sends after that is released unread.
 *
 * <p>Timeouts. The first request head must be complete within the header timeout of the connection being
 * opened, and every later head within the header timeout of its first byte; between requests the idle
 * timeout of the {@code IdleStateHandler} applies. A body fails when no byte of it arrived for the body
 * timeout. Neither timer fires while auto-read is off, because then the balancer, not the client, is
 * holding the bytes back. A connection that sent nothing at all is closed without a response.
 *
 * <p>One instance per connection, touched only on the connection's event loop.
 */
final class RequestHeadScanner extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestHeadScanner.class);

    /** Largest byte array the JVM reliably allocates. */
    private static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private final RequestFraming framing;
    private final long headerTimeoutMillis;
    private final long bodyTimeoutMillis;

    private ChannelHandlerContext ctx;
    private boolean rejected;
    private ScheduledFuture<?> headerTimer;
    private long headerTimerHeads;
    private ScheduledFuture<?> bodyTimer;
    private long bodyBytesSeen;
    private long lastBodyProgressNanos;

    RequestHeadScanner(ClientLimits limits) {
        // The scanner's own line limit stays above the codec's, so the codec reports 414 and 431 first.
        long maxLineBytes = (long) limits.maxRequestLineBytes() + limits.maxHeaderBytes();
        this.framing = new RequestFraming((int) Math.min(maxLineBytes, MAX_ARRAY_BYTES));
        this.headerTimeoutMillis = limits.clientHeaderTimeoutMillis();
        this.bodyTimeoutMillis = limits.clientBodyTimeoutMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startHeaderTimer();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        if (rejected) {
            buf.release();
            return;
        }
        int faultIndex = framing.scan(buf);
        if (faultIndex < 0) {
            ctx.fireChannelRead(buf);
            updateTimers();
            return;
        }

        int validBytes = faultIndex - buf.readerIndex();
        ByteBuf valid = validBytes > 0 ? buf.readRetainedSlice(validBytes) : null;
        buf.release();
        if (valid != null) {
            ctx.fireChannelRead(valid);
        }
        reject(framing.rejection(), framing.rejectedInHead());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimers();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimers();
    }

    private void updateTimers() {
        boolean waitingForHead = framing.state() == RequestFraming.State.HEAD
                || (framing.state() == RequestFraming.State.IDLE && framing.headsCompleted() == 0);
        if (!waitingForHead) {
            cancelHeaderTimer();
        } else if (headerTimer == null || headerTimerHeads != framing.headsCompleted()) {
            startHeaderTimer();
        }

        if (!framing.inBody()) {
            cancelBodyTimer();
            return;
        }
        if (bodyTimer == null || framing.bodyBytes() != bodyBytesSeen) {
            bodyBytesSeen = framing.bodyBytes();
            lastBodyProgressNanos = System.nanoTime();
        }
        if (bodyTimer == null) {
            bodyTimer = ctx.executor().schedule(this::onBodyTimer, bodyTimeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void startHeaderTimer() {
        cancelHeaderTimer();
        headerTimerHeads = framing.headsCompleted();
        headerTimer = ctx.executor().schedule(this::onHeaderTimer, headerTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void onHeaderTimer() {
        headerTimer = null;
        if (rejected || !ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            startHeaderTimer();
            return;
        }
        if (framing.state() == RequestFraming.State.IDLE) {
            log.debug("{} no request within {} ms of connecting, closing", ctx.channel(), headerTimeoutMillis);
            ctx.close();
            return;
        }
        log.debug("{} request head incomplete after {} ms, responding 408", ctx.channel(), headerTimeoutMillis);
        reject(new RequestRejectedException(ErrorCause.REQUEST_TIMEOUT,
                "request timeout: the request head was not complete within " + headerTimeoutMillis + " ms"), true);
        // A timer runs outside a read, so the handlers behind flush only on this event.
        ctx.fireChannelReadComplete();
    }

    private void onBodyTimer() {
        bodyTimer = null;
        if (rejected || !ctx.channel().isActive() || !framing.inBody()) {
            return;
        }
        long now = System.nanoTime();
        if (!ctx.channel().config().isAutoRead()) {
            lastBodyProgressNanos = now;
        }
        long stalledMillis = TimeUnit.NANOSECONDS.toMillis(now - lastBodyProgressNanos);
        if (stalledMillis < bodyTimeoutMillis) {
            bodyTimer = ctx.executor().schedule(this::onBodyTimer, bodyTimeoutMillis - stalledMillis,
                    TimeUnit.MILLISECONDS);
            return;
        }
        log.debug("{} request body stalled for {} ms, responding 408", ctx.channel(), stalledMillis);
        reject(new RequestRejectedException(ErrorCause.REQUEST_TIMEOUT,
                "request timeout: no byte of the request body arrived for " + bodyTimeoutMillis + " ms"), false);
        ctx.fireChannelReadComplete();
    }

    /** Sends the failure on in place of the rest of the request and drops everything the client sends after it. */
    private void reject(RequestRejectedException failure, boolean inHead) {
        rejected = true;
        cancelTimers();
        HttpObject failed;
        if (inHead) {
            DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request");
            request.setDecoderResult(DecoderResult.failure(failure));
            failed = request;
        } else {
            DefaultLastHttpContent content = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            content.setDecoderResult(DecoderResult.failure(failure));
            failed = content;
        }
        ctx.fireChannelRead(failed);
    }

    private void cancelTimers() {
        cancelHeaderTimer();
        cancelBodyTimer();
    }

    private void cancelHeaderTimer() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }

    private void cancelBodyTimer() {
        if (bodyTimer != null) {
            bodyTimer.cancel(false);
            bodyTimer = null;
        }
    }
}
