package io.vigia.balancer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vigia.core.ErrorStatsJson;
import io.vigia.core.net.Transports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A small HTTP server on an ephemeral loopback port that acts as a backend in tests.
 *
 * <p>Paths: {@code /health} responds 200 or 503 after {@link #setHealthy}; {@code /echo} returns the
 * request (method, uri, headers, body) as JSON with some hop-by-hop headers added to the response;
 * {@code /status/NNN} responds with status NNN; {@code /hang} never responds; {@code /held} responds once
 * the test calls {@link #releaseHeld}; {@code /slow?ms=N} responds after N ms; {@code /truncate} sends a
 * head announcing 100 bytes, sends 10 and closes; {@code /chunked} responds with a chunked body;
 * {@code /big?bytes=N} sends N bytes of {@link #pattern}; {@code /count} returns the length and
 * {@link #checksum} of the request body; anything else returns {@code hello from HOST:PORT}. Every request
 * and every accepted connection is counted.
 */
final class FakeBackend implements AutoCloseable {

    /** One request as the backend received it. */
    record Received(int connection, String method, String uri, List<Map.Entry<String, String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, String> entry : headers) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    return entry.getValue();
                }
            }
            return null;
        }

        List<String> headerNames() {
            return headers.stream().map(e -> e.getKey().toLowerCase(java.util.Locale.ROOT)).toList();
        }
    }

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final AtomicInteger acceptedConnections = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger malformedRequests = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile boolean healthy = true;
    private volatile IntPredicate dropWhen = requestNumber -> false;
    /** Responses to {@code /held} requests, each to run once released; guarded by itself. */
    private final List<Runnable> heldResponses = new java.util.ArrayList<>();
    private boolean heldReleased;

    private FakeBackend() throws InterruptedException {
        group = Transports.best().newGroup(1, "fake-backend");
        serverChannel = new ServerBootstrap()
                .group(group)
                .channel(Transports.best().serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        int connection = acceptedConnections.incrementAndGet();
                        openConnections.incrementAndGet();
                        connections.add(ch);
                        ch.closeFuture().addListener(closed -> openConnections.decrementAndGet());
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 << 20),
                                new Handler(connection));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    static FakeBackend start() throws InterruptedException {
        return new FakeBackend();
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    String id() {
        return "127.0.0.1:" + port();
    }

    BackendAddress address() {
        return new BackendAddress("127.0.0.1", port());
    }

    int acceptedConnections() {
        return acceptedConnections.get();
    }

    /** Connections accepted and not yet closed. */
    int openConnections() {
        return openConnections.get();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** Requests that failed to decode, such as a head followed by bytes that do not start a valid message. */
    int malformedRequests() {
        return malformedRequests.get();
    }

    /** Requests received for {@code path}, ignoring the query. */
    List<Received> received(String path) {
        return received.stream().filter(r -> new QueryStringDecoder(r.uri()).path().equals(path)).toList();
    }

    void setHealthy(boolean value) {
        healthy = value;
    }

    /**
     * Makes the backend close the connection, without responding, when it reads a request whose number on
     * its connection (1 for the first) matches {@code whichOnConnection}.
     */
    void dropRequests(IntPredicate whichOnConnection) {
        dropWhen = whichOnConnection;
    }

    /** Number of {@code /held} requests waiting for {@link #releaseHeld}. */
    int heldCount() {
        synchronized (heldResponses) {
            return heldResponses.size();
        }
    }

    /** Responds 200 to every waiting {@code /held} request, and from now on responds to {@code /held} at once. */
    void releaseHeld() {
        List<Runnable> responses;
        synchronized (heldResponses) {
            heldReleased = true;
            responses = List.copyOf(heldResponses);
            heldResponses.clear();
        }
        responses.forEach(Runnable::run);
    }

    /** The byte at {@code position} of a {@code /big} body, and of the bodies tests upload. */
    static byte pattern(int position) {
        return (byte) (position % 251);
    }

    /** Sum of the unsigned bytes of {@code content}, as {@code /count} reports it. */
    static long checksum(ByteBuf content) {
        long sum = 0;
        for (byte b : io.netty.buffer.ByteBufUtil.getBytes(content)) {
            sum += b & 0xFF;
        }
        return sum;
    }

    /** Stops the server; later calls do nothing. */
    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        // Accepted connections close first, on their live event loop, so that a response still being written
        // (a large body the balancer stopped reading) is released. Left to the group's shutdown, a close during
        // a flush is deferred to a task that the terminated loop never runs, and the buffer leaks.
        connections.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final int connection;
        private int requestsOnConnection;

        Handler(int connection) {
            this.connection = connection;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requestsOnConnection++;
            if (request.decoderResult().isFailure()) {
                malformedRequests.incrementAndGet();
                ctx.close();
                return;
            }
            received.add(new Received(connection, request.method().name(), request.uri(),
                    List.copyOf(request.headers().entries()), request.content().toString(StandardCharsets.UTF_8)));
            if (dropWhen.test(requestsOnConnection)) {
                ctx.close();
                return;
            }
            route(ctx, request);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Tests close connections mid-request on purpose; the aggregator reports that here.
            ctx.close();
        }

        private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            String path = query.path();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (path.equals("/health")) {
                send(ctx, text(healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        healthy ? "{\"status\":\"ok\"}" : "{\"status\":\"down\"}"), keepAlive);
            } else if (path.equals("/echo")) {
                send(ctx, echo(request), keepAlive);
            } else if (path.startsWith("/status/")) {
                int status = Integer.parseInt(path.substring("/status/".length()));
                send(ctx, text(HttpResponseStatus.valueOf(status), "status " + status + " from " + id()), keepAlive);
            } else if (path.equals("/hang")) {
                return;
            } else if (path.equals("/held")) {
                hold(ctx, keepAlive);
            } else if (path.equals("/slow")) {
                long delayMillis = Long.parseLong(query.parameters().get("ms").get(0));
                ctx.executor().schedule(() -> send(ctx, text(HttpResponseStatus.OK, "slow from " + id()), keepAlive),
                        delayMillis, TimeUnit.MILLISECONDS);
            } else if (path.equals("/truncate")) {
                truncate(ctx);
            } else if (path.equals("/chunked")) {
                chunked(ctx, keepAlive);
            } else if (path.equals("/big")) {
                big(ctx, Integer.parseInt(query.parameters().get("bytes").get(0)), keepAlive);
            } else if (path.equals("/count")) {
                ByteBuf content = request.content();
                send(ctx, text(HttpResponseStatus.OK, content.readableBytes() + " " + checksum(content)), keepAlive);
            } else {
                send(ctx, text(HttpResponseStatus.OK, "hello from " + id()), keepAlive);
            }
        }

        private void hold(ChannelHandlerContext ctx, boolean keepAlive) {
            Runnable respond = () -> ctx.executor().execute(
                    () -> send(ctx, text(HttpResponseStatus.OK, "held by " + id()), keepAlive));
            synchronized (heldResponses) {
                if (!heldReleased) {
                    heldResponses.add(respond);
                    return;
                }
            }
            respond.run();
        }

        private FullHttpResponse echo(FullHttpRequest request) {
            ObjectNode body = ErrorStatsJson.MAPPER.createObjectNode();
            body.put("method", request.method().name());
            body.put("uri", request.uri());
            body.put("version", request.protocolVersion().text());
            ObjectNode headers = body.putObject("headers");
            for (String name : request.headers().names()) {
                ArrayNode values = headers.putArray(name.toLowerCase(java.util.Locale.ROOT));
                request.headers().getAll(name).forEach(values::add);
            }
            body.put("body", request.content().toString(StandardCharsets.UTF_8));
            FullHttpResponse response = text(HttpResponseStatus.OK, body.toString());
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .add(HttpHeaderNames.CONNECTION, "x-hop-secret")
                    .set("X-Hop-Secret", "must not reach the client")
                    .set("Keep-Alive", "timeout=5")
                    .set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"backend\"")
                    .set("X-Backend", id());
            return response;
        }

        private void truncate(ChannelHandlerContext ctx) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 100);
            ctx.write(head);
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("0123456789", StandardCharsets.US_ASCII)))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        private void chunked(ChannelHandlerContext ctx, boolean keepAlive) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            for (String part : new String[] {"alpha-", "beta-"}) {
                ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(part, StandardCharsets.US_ASCII)));
            }
            ByteBuf last = Unpooled.copiedBuffer("gamma", StandardCharsets.US_ASCII);
            ctx.writeAndFlush(new DefaultLastHttpContent(last));
            if (!keepAlive) {
                ctx.close();
            }
        }

        private void big(ChannelHandlerContext ctx, int bytes, boolean keepAlive) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes);
            ctx.write(head);
            for (int offset = 0; offset < bytes; offset += 65_536) {
                byte[] chunk = new byte[Math.min(65_536, bytes - offset)];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = pattern(offset + i);
                }
                // One bulk copy: under paranoid leak detection every buffer access records a stack trace.
                ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)));
            }
            ctx.writeAndFlush(new DefaultLastHttpContent());
            if (!keepAlive) {
                ctx.close();
            }
        }

        private FullHttpResponse text(HttpResponseStatus status, String body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            return response;
        }

        private void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.writeAndFlush(response);
        }
    }
}
