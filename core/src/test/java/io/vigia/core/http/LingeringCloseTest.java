package io.vigia.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LingeringCloseTest {

    @Test
    void lingeringDiscardsInputUntilByteLimit() {
        List<Object> passedOn = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(recorder(passedOn));
        channel.pipeline().addFirst(new LingeringClose(2_000, 100));
        ByteBuf first = Unpooled.buffer().writeBytes(new byte[60]);
        ByteBuf second = Unpooled.buffer().writeBytes(new byte[60]);

        channel.writeInbound(first);
        boolean openAfterFirst = channel.isOpen();
        channel.writeInbound(second);

        assertThat(openAfterFirst).isTrue();
        assertThat(first.refCnt()).isZero();
        assertThat(second.refCnt()).isZero();
        assertThat(channel.isOpen()).isFalse();
        assertThat(passedOn).isEmpty();
    }

    @Test
    void lingeringEndsAfterLingerTime() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addFirst(new LingeringClose(2_000, 100));

        channel.advanceTimeBy(1_999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        boolean openBeforeLimit = channel.isOpen();
        channel.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(openBeforeLimit).isTrue();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void lingeringEndsWhenClientClosesItsSide() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addFirst(new LingeringClose(2_000, 100));

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void closeAfterClosesChannelWithoutHalfClose() {
        EmbeddedChannel channel = new EmbeddedChannel();

        LingeringClose.closeAfter(channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})));

        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.pipeline().get(LingeringClose.HANDLER_NAME)).isNull();
        assertThat(channel.finishAndReleaseAll()).isTrue();
    }

    private static ChannelInboundHandlerAdapter recorder(List<Object> passedOn) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passedOn.add(msg);
            }
        };
    }
}
