package io.vigia.core.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AttributeKey;
import io.vigia.core.ErrorBucket;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorMonitor;

/**
 * Records every error response a server writes into an {@link ErrorMonitor}.
 *
 * <p>Sits right after the {@code HttpServerCodec} (or its decoder and encoder) in a server pipeline, so
 * it receives each decoded request on the way in and each response head on the way out:
 * <pre>
 *   HttpServerCodec  &lt;-&gt;  ErrorRecordingHandler  &lt;-&gt;  application handlers
 * </pre>
 * Requests are matched to responses in order, which is how HTTP/1.1 pairs them, pipelining included;
 * interim 1xx responses other than 101 do not consume a request. A response that implements
 * {@link ErrorDetail} adds its message, cause and upstream; otherwise the upstream is read from the
 * {@code X-Upstream-Server} header and the message from {@code X-Error-Message}, which a relayed error
 * response from a Vigía backend carries.
 *
 * <p>The handler is {@link Sharable} and stateless; per-connection state lives in a channel attribute
 * touched only on that channel's event loop. Nothing is allocated for responses below 400 once a
 * connection has seen its first request.
 */
@Sharable
public final class ErrorRecordingHandler extends ChannelDuplexHandler {

    private static final AttributeKey<PendingRequests> PENDING =
            AttributeKey.valueOf(ErrorRecordingHandler.class, "pending");

    private final ErrorMonitor monitor;

    public ErrorRecordingHandler(ErrorMonitor monitor) {
        this.monitor = monitor;
    }

    public ErrorMonitor monitor() {
        return monitor;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            HttpRequest request = (HttpRequest) msg;
            PendingRequests pending = ctx.channel().attr(PENDING).get();
            if (pending == null) {
                pending = new PendingRequests();
                ctx.channel().attr(PENDING).set(pending);
            }
            if (request.decoderResult().isFailure()) {
                // The codec fills in placeholder values for a request it could not parse.
                pending.add(null, null);
            } else {
                pending.add(request.method().name(), request.uri());
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse) {
            observe(ctx, (HttpResponse) msg);
        }
        ctx.write(msg, promise);
    }

    private void observe(ChannelHandlerContext ctx, HttpResponse response) {
        int status = response.status().code();
        if (status >= 100 && status < 200 && status != 101) {
            return;
        }

        PendingRequests pending = ctx.channel().attr(PENDING).get();
        String method = null;
        String path = null;
        if (pending != null && !pending.isEmpty()) {
            method = pending.headMethod();
            path = pending.headPath();
            pending.remove();
        }
        if (!ErrorBucket.isError(status)) {
            return;
        }

        String message = null;
        ErrorCause cause = null;
        String upstream = null;
        if (response instanceof ErrorDetail) {
            ErrorDetail detail = (ErrorDetail) response;
            message = detail.errorMessage();
            cause = detail.errorCause();
            upstream = detail.errorUpstream();
        }
        if (upstream == null) {
            upstream = response.headers().get(VigiaHeaders.X_UPSTREAM_SERVER);
        }
        if (message == null) {
            message = response.headers().get(VigiaHeaders.X_ERROR_MESSAGE);
        }

        monitor.record(status, method, path, message, upstream, cause);
    }

    /** FIFO of the method and target of requests still waiting for their response; grows, never shrinks. */
    private static final class PendingRequests {
        private String[] methods = new String[4];
        private String[] paths = new String[4];
        private int head;
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        void add(String method, String path) {
            if (size == methods.length) {
                grow();
            }
            int tail = (head + size) % methods.length;
            methods[tail] = method;
            paths[tail] = path;
            size++;
        }

        String headMethod() {
            return methods[head];
        }

        String headPath() {
            return paths[head];
        }

        void remove() {
            methods[head] = null;
            paths[head] = null;
            head = (head + 1) % methods.length;
            size--;
        }

        private void grow() {
            String[] newMethods = new String[methods.length * 2];
            String[] newPaths = new String[paths.length * 2];
            for (int i = 0; i < size; i++) {
                newMethods[i] = methods[(head + i) % methods.length];
                newPaths[i] = paths[(head + i) % paths.length];
            }
            methods = newMethods;
            paths = newPaths;
            head = 0;
        }
    }
}
