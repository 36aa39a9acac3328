package io.vigia.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransportsTest {

    @Test
    void defaultIsEpollWhenAvailable() {
        assertThat(Transports.choose(null)).isEqualTo(Epoll.isAvailable() ? Transports.EPOLL : Transports.NIO);
        assertThat(Transports.choose("")).isEqualTo(Transports.choose(null));
    }

    @Test
    void nioRequestForcesNio() {
        assertThat(Transports.choose("nio")).isEqualTo(Transports.NIO);
        assertThat(Transports.choose(" NIO ")).isEqualTo(Transports.NIO);
    }

    @Test
    void ioUringRequestFallsBackWhenUnavailable() {
        Transports chosen = Transports.choose("io_uring");

        if (IoUring.isAvailable()) {
            assertThat(chosen).isEqualTo(Transports.IO_URING);
        } else {
            assertThat(chosen).isEqualTo(Transports.choose(null));
        }
    }

    @Test
    void unknownRequestGetsDefault() {
        assertThat(Transports.choose("carrier-pigeon")).isEqualTo(Transports.choose(null));
    }

    @ParameterizedTest
    @EnumSource(Transports.class)
    void transportCarriesBytesOverLoopback(Transports transport) throws Exception {
        assumeTrue(transport != Transports.IO_URING || IoUring.isAvailable(), "io_uring is not available here");
        assumeTrue(transport != Transports.EPOLL || Epoll.isAvailable(), "epoll is not available here");
        EventLoopGroup group = transport.newGroup(1, "transports-test");
        try {
            Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            CompletableFuture<String> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(transport.clientChannel())
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf buf = (ByteBuf) msg;
                                    echoed.complete(buf.toString(StandardCharsets.US_ASCII));
                                    buf.release();
                                }
                            });
                        }
                    })
                    .connect(server.localAddress()).sync().channel();

            client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));

            assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
