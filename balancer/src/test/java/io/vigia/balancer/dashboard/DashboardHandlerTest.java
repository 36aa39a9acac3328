package io.vigia.balancer.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vigia.core.http.ErrorResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Routing, body handling and buffer ownership of the handler on an embedded channel. */
class DashboardHandlerTest {

    private final FakeSnapshotSource source = new FakeSnapshotSource();
    private final EmbeddedChannel timer = new EmbeddedChannel();
    private final DashboardEventHub hub = new DashboardEventHub(source, timer.eventLoop());
    private final Dashboard dashboard = new Dashboard(DashboardPages.load(), source, hub);
    private EmbeddedChannel channel;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        timer.finishAndReleaseAll();
    }

    @Test
    void passesOtherRequestsThrough() {
        channel = new EmbeddedChannel(dashboard.newHandler());
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/tasks");
        HttpContent body = new DefaultLastHttpContent(Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));

        channel.writeInbound(request, body);

        assertThat(channel.<Object>readInbound()).isSameAs(request);
        HttpContent passed = channel.readInbound();
        assertThat(passed).isSameAs(body);
        assertThat(passed.refCnt()).isEqualTo(1);
        passed.release();
        assertThat(channel.<Object>readOutbound()).isNull();
    }

    @Test
    void pathsThatOnlyStartWithDashboardPassThrough() {
        channel = new EmbeddedChannel(dashboard.newHandler());

        channel.writeInbound(get("/dashboardx"), get("/"), get("/api/dashboard"));

        assertThat(readPassedUri()).isEqualTo("/dashboardx");
        assertThat(readPassedUri()).isEqualTo("/");
        assertThat(readPassedUri()).isEqualTo("/api/dashboard");
        assertThat(channel.<Object>readOutbound()).isNull();
    }

    @Test
    void rootHandlerServesPageAtRoot() {
        channel = new EmbeddedChannel(dashboard.newRootHandler());

        channel.writeInbound(get("/"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
            assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("<html lang=\"en\">");
        } finally {
            response.release();
        }
    }

    @Test
    void dashboardRequestBodyIsConsumedAndReleased() {
        channel = new EmbeddedChannel(dashboard.newHandler());
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/dashboard/snapshot");
        ByteBuf first = Unpooled.copiedBuffer("part one", StandardCharsets.UTF_8);
        ByteBuf last = Unpooled.copiedBuffer("part two", StandardCharsets.UTF_8);

        channel.writeInbound(request, new DefaultHttpContent(first), new DefaultLastHttpContent(last));
        channel.writeInbound(get("/api/next"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
            assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD");
        } finally {
            response.release();
        }
        assertThat(first.refCnt()).isZero();
        assertThat(last.refCnt()).isZero();
        assertThat(readPassedUri()).isEqualTo("/api/next");
    }

    @Test
    void aggregatedDashboardRequestIsReleased() {
        channel = new EmbeddedChannel(dashboard.newHandler());
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/dashboard/app.css", Unpooled.copiedBuffer("ignored", StandardCharsets.UTF_8));

        channel.writeInbound(request);

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/css; charset=utf-8");
        } finally {
            response.release();
        }
        assertThat(request.refCnt()).isZero();
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void unknownSubPathIsNotFoundError() {
        channel = new EmbeddedChannel(dashboard.newHandler());

        channel.writeInbound(get("/dashboard/secret?x=1"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response).isInstanceOf(ErrorResponse.class);
            assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
            assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("404_NOT_FOUND");
        } finally {
            response.release();
        }
    }

    @Test
    void eventStreamRejectsHead() {
        channel = new EmbeddedChannel(dashboard.newHandler());

        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/dashboard/events"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
            assertThat(response.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET");
        } finally {
            response.release();
        }
        assertThat(hub.streamCount()).isZero();
    }

    @Test
    void requestOnEventStreamClosesConnection() {
        channel = new EmbeddedChannel(dashboard.newHandler());
        channel.writeInbound(get("/dashboard/events"));
        timer.runPendingTasks();
        HttpResponse head = channel.readOutbound();
        assertThat(head.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/event-stream");
        assertThat(head.headers().get(HttpHeaderNames.TRANSFER_ENCODING)).isEqualTo("chunked");
        assertThat(hub.streamCount()).isEqualTo(1);

        DefaultFullHttpRequest next = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api",
                Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
        channel.writeInbound(next);
        timer.runPendingTasks();

        assertThat(next.refCnt()).isZero();
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(hub.streamCount()).isZero();
    }

    @Test
    void http10EventStreamIsNotChunked() {
        channel = new EmbeddedChannel(dashboard.newHandler());

        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/dashboard/events"));

        HttpResponse head = channel.readOutbound();
        assertThat(head.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)).isFalse();
        assertThat(head.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    }

    @Test
    void readsNextWhenAutoReadOff() {
        AtomicInteger reads = new AtomicInteger();
        ChannelOutboundHandlerAdapter readCounter = new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        };
        channel = new EmbeddedChannel(readCounter, dashboard.newHandler());
        channel.config().setAutoRead(false);
        int readsBefore = reads.get();

        channel.writeInbound(get("/dashboard/app.js"));

        assertThat(reads.get()).isGreaterThan(readsBefore);
        ReferenceCountUtil.release(channel.readOutbound());
    }

    private static HttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    /** Reads the next request passed on by the handler, releases it and returns its target. */
    private String readPassedUri() {
        HttpRequest request = channel.readInbound();
        try {
            return request.uri();
        } finally {
            ReferenceCountUtil.release(request);
        }
    }
}
