package io.vigia.core.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * The socket transport a process uses: native epoll on Linux when its library loads, NIO otherwise.
 *
 * <p>The system property {@code vigia.transport} changes the choice. {@code nio} forces NIO.
 * {@code io_uring} selects Netty's io_uring transport when the kernel allows it, and epoll or NIO
 * otherwise. io_uring is opt-in because older kernels, the seccomp profiles of container runtimes and the
 * sysctl {@code kernel.io_uring_disabled} may reject it. {@link #unavailabilityCause(Transports)} then
 * returns the reason.
 */
public enum Transports {
    IO_URING, EPOLL, NIO;

    /** The system property that selects a transport: {@code io_uring}, {@code epoll} or {@code nio}. */
    public static final String PROPERTY = "vigia.transport";

    /** Returns the best transport available in this JVM for the transport {@link #PROPERTY} requests. */
    public static Transports best() {
        return choose(System.getProperty(PROPERTY));
    }

    /** Returns the transport to use for the transport name {@code requested}, which may be null. */
    static Transports choose(String requested) {
        String name = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
        if (name.equals("nio")) {
            return NIO;
        }
        if (name.equals("io_uring") && IoUring.isAvailable()) {
            return IO_URING;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * Returns why {@link #PROPERTY} asked for a transport that {@code chosen} replaced, or null when the
     * request was met or none was made.
     */
    public static String unavailabilityCause(Transports chosen) {
        String requested = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (requested.equals("io_uring") && chosen != IO_URING) {
            Throwable cause = IoUring.unavailabilityCause();
            return "io_uring is not available: " + (cause == null ? "unknown reason" : cause.toString());
        }
        if (requested.equals("epoll") && chosen != EPOLL) {
            Throwable cause = Epoll.unavailabilityCause();
            return "epoll is not available: " + (cause == null ? "unknown reason" : cause.toString());
        }
        return null;
    }

    /** Creates an event loop group of {@code threads} threads (0 means Netty's default) named {@code name}. */
    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), ioHandlerFactory());
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        switch (this) {
            case IO_URING:
                return IoUringServerSocketChannel.class;
            case EPOLL:
                return EpollServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    public Class<? extends SocketChannel> clientChannel() {
        switch (this) {
            case IO_URING:
                return IoUringSocketChannel.class;
            case EPOLL:
                return EpollSocketChannel.class;
            default:
                return NioSocketChannel.class;
        }
    }

    private IoHandlerFactory ioHandlerFactory() {
        switch (this) {
            case IO_URING:
                return IoUringIoHandler.newFactory();
            case EPOLL:
                return EpollIoHandler.newFactory();
            default:
                return NioIoHandler.newFactory();
        }
    }
}
