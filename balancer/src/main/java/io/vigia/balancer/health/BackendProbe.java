package io.vigia.balancer.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigia.balancer.selection.Backend;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe loop of one backend: connect, send {@code GET {path}} with {@code Connection: close}, wait for
 * the aggregated response or the timeout, record the result, schedule the next probe.
 *
 * <p>Everything except {@link #close()} runs on the backend's event loop, so the attempt fields need no
 * synchronization. Each probe opens a new connection, which also checks that the backend still accepts
 * connections.
 */
final class BackendProbe {

    private static final Logger log = LoggerFactory.getLogger(BackendProbe.class);

    /** Health responses are small JSON documents, so a larger body fails the probe. */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final HealthTracker tracker;
    private final Backend backend;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final ProbeSettings settings;

    private volatile boolean closed;
    private volatile ScheduledFuture<?> nextProbe;

    BackendProbe(HealthTracker tracker, EventLoop loop, Bootstrap template, ProbeSettings settings) {
        this.tracker = tracker;
        this.backend = tracker.backend();
        this.loop = loop;
        this.bootstrap = template.clone(loop);
        this.settings = settings;
    }

    void scheduleNow() {
        loop.execute(this::probe);
    }

    void close() {
        closed = true;
        ScheduledFuture<?> scheduled = nextProbe;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    private void probe() {
        if (closed) {
            return;
        }
        new Attempt().start();
    }

    private void onResult(ProbeResult result) {
        tracker.record(result);
        if (log.isDebugEnabled()) {
            log.debug("backend {} probe ok={} status={} latency_ms={} error=\"{}\"", backend.id(), result.ok(),
                    result.status(), result.latencyMillis(), result.error());
        }
        if (closed) {
            return;
        }
        try {
            nextProbe = loop.schedule(this::probe, settings.intervalMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException ignored) {
            // The event loop is shutting down, so the prober is stopping too.
        }
    }

    private FullHttpRequest newRequest() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, settings.path(),
                Unpooled.EMPTY_BUFFER);
        request.headers()
                .set(HttpHeaderNames.HOST, backend.id())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.USER_AGENT, "vigia-balancer-probe")
                .set(HttpHeaderNames.ACCEPT, "*/*");
        return request;
    }

    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** One probe. Only the first of response, error or timeout reaches {@link #finish}'s result. */
    final class Attempt {
        private final long startNanos = System.nanoTime();
        private ScheduledFuture<?> timeout;
        private Channel channel;
        private boolean finished;

        void start() {
            timeout = loop.schedule(() -> fail("timed out after " + settings.timeoutMillis() + " ms"),
                    settings.timeoutMillis(), TimeUnit.MILLISECONDS);
            ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                            new ProbeHandler(Attempt.this));
                }
            }).connect(backend.address());
            channel = connect.channel();
            connect.addListener(future -> onConnected((ChannelFuture) future));
        }

        private void onConnected(ChannelFuture future) {
            if (finished) {
                return;
            }
            if (!future.isSuccess()) {
                fail(describe(future.cause()));
                return;
            }
            future.channel().writeAndFlush(newRequest()).addListener(write -> {
                if (!write.isSuccess()) {
                    fail(describe(write.cause()));
                }
            });
        }

        void onResponse(FullHttpResponse response) {
            if (response.decoderResult().isFailure()) {
                fail("invalid response: " + describe(response.decoderResult().cause()));
                return;
            }
            int status = response.status().code();
            boolean ok = status >= 200 && status < 300;
            finish(ok, status, ok ? null : "status " + status);
        }

        void fail(String error) {
            finish(false, 0, error);
        }

        private void finish(boolean ok, int status, String error) {
            if (finished) {
                return;
            }
            finished = true;
            timeout.cancel(false);
            if (channel != null) {
                channel.close();
            }
            onResult(new ProbeResult(System.currentTimeMillis(), ok, System.nanoTime() - startNanos, status, error));
        }
    }
}
