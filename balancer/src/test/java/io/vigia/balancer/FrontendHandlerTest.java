package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.vigia.balancer.admin.AdminEndpoints;
import io.vigia.balancer.health.HealthProber;
import io.vigia.balancer.health.ProbeSettings;
import io.vigia.balancer.pool.ConnectionPools;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendState;
import io.vigia.core.ErrorMonitor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Drives the client pipeline through an EmbeddedChannel, with every backend DOWN so nothing connects. */
class FrontendHandlerTest {

    private EmbeddedChannel channel;
    private ErrorMonitor monitor;
    private BalancerContext context;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel();
        Backend backend = new Backend(0, "127.0.0.1", 5001, new InetSocketAddress("127.0.0.1", 5001),
                BackendState.DOWN, 0);
        BackendGroup backends = new BackendGroup(List.of(backend), () -> 0);
        HealthProber prober = new HealthProber(channel.eventLoop(), NioSocketChannel.class, backends,
                new ProbeSettings(1_000, 1_000, "/health", 2, 3));
        monitor = new ErrorMonitor(10);
        BalancerConfig config = BalancerConfig.builder().backends(List.of(new BackendAddress("127.0.0.1", 5001)))
                .build();
        AdminEndpoints admin = new AdminEndpoints(backends, prober, monitor, () -> "embedded:0", 0, () -> 0);
        context = new BalancerContext(config, backends, prober,
                new ConnectionPools(new Bootstrap(), 1, 4), monitor, admin, null);
        channel.pipeline().addLast(new HttpServerCodec(), context.errorRecorder(), new FrontendHandler(context));
    }

    @AfterEach
    void tearDown() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private String exchange(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        StringBuilder written = new StringBuilder();
        ByteBuf chunk;
        while ((chunk = channel.readOutbound()) != null) {
            written.append(chunk.toString(StandardCharsets.UTF_8));
            chunk.release();
        }
        return written.toString();
    }

    @Test
    void answersHealthItself() {
        String response = exchange("GET /health HTTP/1.1\r\nHost: a\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200 OK")
                .contains("\"status\":\"degraded\"", "\"healthy_backends\":0", "\"total_backends\":1");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void answersPipelinedRequestsInOrder() {
        String responses = exchange("GET /first HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: a\r\n\r\n");

        int unavailable = responses.indexOf("HTTP/1.1 503 Service Unavailable");
        int ok = responses.indexOf("HTTP/1.1 200 OK");
        assertThat(unavailable).isNotNegative();
        assertThat(ok).isGreaterThan(unavailable);
        assertThat(monitor.count(503)).isEqualTo(1);
        assertThat(monitor.snapshot().recentErrors().get(0).path()).isEqualTo("/first");
    }

    @Test
    void discardsBodyOfRequestAnsweredEarly() {
        String response = exchange("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /health HTTP/1.1\r\nHost: a\r\n\r\n");

        assertThat(response).contains("HTTP/1.1 503", "HTTP/1.1 200 OK");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void malformedRequestGets400AndClose() {
        String response = exchange("BROKEN\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400 Bad Request").contains("connection: close",
                "\"type\":\"400_BAD_REQUEST\"");
        assertThat(channel.isOpen()).isFalse();
        assertThat(monitor.count(400)).isEqualTo(1);
    }

    @Test
    void connectionCloseRequestClosesAfterResponse() {
        String response = exchange("GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200 OK").contains("connection: close");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void http10KeepAliveIsAnswered() {
        String response = exchange("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        assertThat(response).contains("connection: keep-alive");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void burstOfUnexpectedErrorsLogsOneWarning() {
        Logger logger = (Logger) LoggerFactory.getLogger(FrontendHandler.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            for (int i = 0; i < 10; i++) {
                EmbeddedChannel failing = new EmbeddedChannel(new FrontendHandler(context));
                failing.pipeline().fireExceptionCaught(new IllegalStateException("bug number " + i));
                assertThat(failing.isOpen()).isFalse();
                failing.finishAndReleaseAll();
            }
        } finally {
            logger.detachAppender(appender);
        }

        long warnings = appender.list.stream().filter(event -> event.getLevel() == Level.WARN).count();
        assertThat(warnings).isEqualTo(1);
    }
}
