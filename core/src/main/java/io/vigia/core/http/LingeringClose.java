package io.vigia.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a server connection after a final response without resetting it under a client that may still be
 * sending, the way nginx's {@code lingering_close} does.
 *
 * <p>A socket closed while unread input waits in its receive buffer, or while more input arrives, makes the
 * kernel send a TCP reset (RFC 1122 section 4.2.2.13). A client still uploading a body that the server
 * rejected then reads "connection reset" in place of the rejection, and on some systems the reset discards
 * the response it had not read yet. So once the response is written, {@link #closeAfter} shuts down the
 * output, which sends a FIN after the response, and puts this handler first in the pipeline. It reads and
 * releases whatever the client sends until the client closes its side, more than {@code maxDiscardedBytes}
 * arrived or {@code lingerMillis} passed, and then closes the connection. Nothing read meanwhile reaches the
 * handlers behind it.
 *
 * <p>One instance per connection, added and used on the connection's event loop.
 */
public final class LingeringClose extends ChannelInboundHandlerAdapter {

    /**
     * Time the connection lingers for the client to finish sending and close, the role of nginx's
     * lingering_timeout. NOTE: both limits are chosen values, not options, and a client on a slow link may
     * still see a reset after 2 s or 64 KiB.
     */
    public static final long DEFAULT_LINGER_MILLIS = 2_000;
    /** Bytes read and dropped while lingering before the connection closes anyway. */
    public static final long DEFAULT_MAX_DISCARDED_BYTES = 64 * 1024;

    static final String HANDLER_NAME = "lingering-close";

    private static final Logger log = LoggerFactory.getLogger(LingeringClose.class);

    private final long lingerMillis;
    private final long maxDiscardedBytes;
    private long discardedBytes;
    private ScheduledFuture<?> lingerTimer;

    LingeringClose(long lingerMillis, long maxDiscardedBytes) {
        this.lingerMillis = lingerMillis;
        this.maxDiscardedBytes = maxDiscardedBytes;
    }

    /** Closes the channel of {@code written} once that write completes, lingering with the default limits. */
    public static void closeAfter(ChannelFuture written) {
        closeAfter(written, DEFAULT_LINGER_MILLIS, DEFAULT_MAX_DISCARDED_BYTES);
    }

    /**
     * Closes the channel of {@code written} once that write completes: at once when the write failed or the
     * channel cannot shut down its output alone, else after lingering within the given limits.
     */
    public static void closeAfter(ChannelFuture written, long lingerMillis, long maxDiscardedBytes) {
        written.addListener((ChannelFutureListener) future -> {
            Channel channel = future.channel();
            if (!future.isSuccess() || !channel.isActive() || !(channel instanceof DuplexChannel)
                    || channel.pipeline().get(HANDLER_NAME) != null) {
                channel.close();
                return;
            }
            channel.pipeline().addFirst(HANDLER_NAME, new LingeringClose(lingerMillis, maxDiscardedBytes));
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lingerTimer = ctx.executor().schedule(() -> closeLingering(ctx, "linger time over"), lingerMillis,
                TimeUnit.MILLISECONDS);
        if (ctx.channel() instanceof DuplexChannel) {
            ((DuplexChannel) ctx.channel()).shutdownOutput().addListener((ChannelFutureListener) shutdown -> {
                if (!shutdown.isSuccess()) {
                    closeLingering(ctx, "output shutdown failed");
                }
            });
        }
        // The handlers behind may have turned auto-read off, and they no longer see any input to turn it on.
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            discardedBytes += ((ByteBuf) msg).readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (discardedBytes > maxDiscardedBytes) {
            closeLingering(ctx, "discarded more than " + maxDiscardedBytes + " bytes");
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            closeLingering(ctx, "client closed its side");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The client may reset the connection itself once it has the response; nothing is left to report.
        closeLingering(ctx, cause.toString());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    long discardedBytes() {
        return discardedBytes;
    }

    private void closeLingering(ChannelHandlerContext ctx, String reason) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        log.debug("{} closing after lingering: {} discarded_bytes={}", ctx.channel(), reason, discardedBytes);
        cancelTimer();
        ctx.close();
    }

    private void cancelTimer() {
        if (lingerTimer != null) {
            lingerTimer.cancel(false);
            lingerTimer = null;
        }
    }
}
