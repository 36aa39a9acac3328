package io.vigia.balancer;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.http.ErrorResponse;
import io.vigia.core.http.HttpResponses;
import io.vigia.core.http.LingeringClose;
import io.vigia.core.log.LogRateLimiter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the number of client connections open at once. A connection over the cap gets a 503 response at
 * once, without its request being read, and is closed with a {@link LingeringClose}. It is never queued.
 *
 * <p>Called from every event loop as connections are accepted; the count is an {@link AtomicInteger} that
 * each accepted connection decrements when it closes.
 */
final class ConnectionLimiter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final int maxConnections;
    private final ErrorMonitor monitor;
    private final AtomicInteger open = new AtomicInteger();
    private final LogRateLimiter rejectionLog = new LogRateLimiter(1, TimeUnit.SECONDS);

    ConnectionLimiter(int maxConnections, ErrorMonitor monitor) {
        this.maxConnections = maxConnections;
        this.monitor = monitor;
    }

    /** Counts {@code channel} as open until it closes, or rejects it when the cap is reached. */
    boolean tryAccept(Channel channel) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            reject(channel);
            return false;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        return true;
    }

    /** Client connections counted as open now. */
    int openConnections() {
        return open.get();
    }

    private void reject(Channel channel) {
        String message = "service unavailable: the balancer already has its maximum of " + maxConnections
                + " client connections open";
        long suppressed = rejectionLog.tryAcquire(ErrorCause.CONNECTION_LIMIT);
        if (suppressed >= 0) {
            log.warn("{} rejecting client connection max_connections={} suppressed={}", channel, maxConnections,
                    suppressed);
        }
        monitor.record(HttpResponseStatus.SERVICE_UNAVAILABLE.code(), null, null, message, null,
                ErrorCause.CONNECTION_LIMIT);

        // The request is never read, so the response goes out with an encoder of its own.
        ErrorResponse response = HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, message,
                ErrorCause.CONNECTION_LIMIT, null);
        ProxyHeaders.setConnection(response.headers(), false, false);
        channel.pipeline().addLast("encoder", new HttpResponseEncoder());
        // A client may already be sending its request, so close without a reset that would hide the 503.
        LingeringClose.closeAfter(channel.writeAndFlush(response));
    }
}
