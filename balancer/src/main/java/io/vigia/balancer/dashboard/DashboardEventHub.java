package io.vigia.balancer.dashboard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigia.core.ErrorStatsJson;
import io.vigia.core.log.LogRateLimiter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the open dashboard event streams and pushes a new snapshot to them when the
 * {@link DashboardSnapshotSource#version() version} changes.
 *
 * <p>Each stream is a channel whose HTTP response head ({@code text/event-stream}) has already been written;
 * the hub writes only {@link io.netty.handler.codec.http.HttpContent} chunks to it:
 * <pre>
 *   event: snapshot
 *   data: {"status":{...},"errors":{...},"time":"..."}
 *   (blank line)
 * </pre>
 * and, after {@code keepAliveIntervalMillis} without a write, the comment {@code ": keep-alive"} followed by a
 * blank line. A timer on the hub's executor runs every {@code pushIntervalMillis}. On each tick it serializes
 * the snapshot at most once and writes a retained duplicate of that one buffer to every stream that has not
 * yet seen the current version. A channel that is not writable (its client reads slower than the balancer
 * writes) is skipped, so its outbound buffer stays near the channel's high water mark. It gets the then-current
 * snapshot on the first tick after it becomes writable again. Streams are removed when their channel closes.
 *
 * <p>Thread-safety: {@link #start()}, {@link #register(Channel)}, {@link #streamCount()} and {@link #stop()}
 * may be called from any thread. Every change to the set of streams and every write decision runs on the
 * single executor given to the constructor, so per-stream state needs no locking. The snapshot source is
 * called on that executor.
 */
public final class DashboardEventHub {

    /** Time between two checks of the snapshot version, so at most four pushes a second. */
    public static final long DEFAULT_PUSH_INTERVAL_MILLIS = 250;
    /** Idle time after which a stream gets a comment line, so proxies and idle timeouts keep it open. */
    public static final long DEFAULT_KEEP_ALIVE_INTERVAL_MILLIS = 15_000;

    private static final Logger logger = LoggerFactory.getLogger(DashboardEventHub.class);

    private static final byte[] EVENT_PREFIX = "event: snapshot\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final DashboardSnapshotSource source;
    private final EventExecutor executor;
    private final long pushIntervalMillis;
    private final long keepAliveIntervalNanos;
    private final LogRateLimiter snapshotWarnings = new LogRateLimiter(60, TimeUnit.SECONDS);
    /** Mutated only on {@link #executor}; concurrent so that {@link #streamCount()} may read it anywhere. */
    private final Map<Channel, EventStream> streams = new ConcurrentHashMap<>();

    private ScheduledFuture<?> tickFuture;
    private boolean stopped;

    /** Creates a hub with the default push and keep-alive intervals; call {@link #start()} to run it. */
    public DashboardEventHub(DashboardSnapshotSource source, EventExecutor executor) {
        this(source, executor, DEFAULT_PUSH_INTERVAL_MILLIS, DEFAULT_KEEP_ALIVE_INTERVAL_MILLIS);
    }

    /**
     * Creates a hub whose timer runs on {@code executor}, typically one event loop of the balancer's worker
     * group; call {@link #start()} to run it.
     */
    public DashboardEventHub(DashboardSnapshotSource source, EventExecutor executor, long pushIntervalMillis,
                             long keepAliveIntervalMillis) {
        if (source == null || executor == null) {
            throw new NullPointerException("source and executor are required");
        }
        if (pushIntervalMillis <= 0 || keepAliveIntervalMillis <= 0) {
            throw new IllegalArgumentException("pushIntervalMillis and keepAliveIntervalMillis must be positive, got "
                    + pushIntervalMillis + " and " + keepAliveIntervalMillis);
        }
        this.source = source;
        this.executor = executor;
        this.pushIntervalMillis = pushIntervalMillis;
        this.keepAliveIntervalNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveIntervalMillis);
    }

    /** Starts the push timer; calling it again, or after {@link #stop()}, does nothing. */
    public DashboardEventHub start() {
        executor.execute(() -> {
            if (stopped || tickFuture != null) {
                return;
            }
            tickFuture = executor.scheduleWithFixedDelay(this::tick, pushIntervalMillis, pushIntervalMillis,
                    TimeUnit.MILLISECONDS);
            logger.info("dashboard event hub started pushIntervalMillis={} keepAliveIntervalMillis={}",
                    pushIntervalMillis, TimeUnit.NANOSECONDS.toMillis(keepAliveIntervalNanos));
        });
        return this;
    }

    /**
     * Adds {@code channel} as an event stream and sends it the current snapshot at once. The caller must have
     * written the {@code text/event-stream} response head first. A channel registered after {@link #stop()},
     * or already closed, is closed.
     */
    public void register(Channel channel) {
        try {
            executor.execute(() -> addStream(channel));
        } catch (RejectedExecutionException e) {
            logger.warn("{} dashboard event stream rejected because the hub executor is shut down", channel, e);
            channel.close();
        }
    }

    /** Returns the number of open event streams. */
    public int streamCount() {
        return streams.size();
    }

    /**
     * Stops the timer and closes every event stream. The returned future completes once that is done;
     * later calls to {@link #register(Channel)} close the channel they are given. Calling it again does nothing.
     */
    public Future<?> stop() {
        try {
            return executor.submit(this::closeAll);
        } catch (RejectedExecutionException ignored) {
            // The executor is already gone, so no tick can run any more: close the streams from here.
            stopped = true;
            streams.keySet().forEach(Channel::close);
            streams.clear();
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
    }

    private void closeAll() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (tickFuture != null) {
            tickFuture.cancel(false);
        }
        int open = streams.size();
        streams.keySet().forEach(Channel::close);
        streams.clear();
        logger.info("dashboard event hub stopped closedStreams={}", open);
    }

    private void addStream(Channel channel) {
        if (stopped || !channel.isActive()) {
            channel.close();
            return;
        }
        EventStream stream = new EventStream(channel);
        streams.put(channel, stream);
        channel.closeFuture().addListener(future -> removeLater(channel));
        logger.debug("{} dashboard event stream opened streams={}", channel, streams.size());
        pushGuarded(List.of(stream));
    }

    private void removeLater(Channel channel) {
        try {
            executor.execute(() -> {
                if (streams.remove(channel) != null) {
                    logger.debug("{} dashboard event stream closed streams={}", channel, streams.size());
                }
            });
        } catch (RejectedExecutionException ignored) {
            // The hub executor is shut down; stop() has cleared or will clear the map.
            streams.remove(channel);
        }
    }

    private void tick() {
        if (!streams.isEmpty()) {
            pushGuarded(streams.values());
        }
    }

    /** Pushes and logs a failure, because an exception thrown out of a tick would cancel the timer. */
    private void pushGuarded(Collection<EventStream> targets) {
        try {
            push(targets);
        } catch (RuntimeException e) {
            long suppressed = snapshotWarnings.tryAcquire(e.getClass());
            if (suppressed >= 0) {
                logger.warn("dashboard snapshot failed streams={} suppressed={}",
                        streams.size(), suppressed, e);
            }
        }
    }

    private void push(Collection<EventStream> targets) {
        long version = source.version();
        long nowNanos = executor.ticker().nanoTime();
        ByteBuf event = null;
        try {
            for (EventStream stream : targets) {
                if (!stream.channel.isActive()) {
                    streams.remove(stream.channel);
                } else if (!stream.hasSeen(version)) {
                    if (stream.channel.isWritable()) {
                        if (event == null) {
                            event = encodeSnapshotEvent();
                        }
                        stream.write(event.retainedDuplicate(), nowNanos);
                        stream.markSeen(version);
                    }
                } else if (nowNanos - stream.lastWriteNanos >= keepAliveIntervalNanos && stream.channel.isWritable()) {
                    stream.write(Unpooled.wrappedBuffer(KEEP_ALIVE), nowNanos);
                }
            }
        } finally {
            if (event != null) {
                event.release();
            }
        }
    }

    /** Serializes the current snapshot into one {@code event: snapshot} frame. */
    private ByteBuf encodeSnapshotEvent() {
        byte[] json;
        try {
            json = ErrorStatsJson.MAPPER.writeValueAsBytes(source.snapshot());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the dashboard snapshot", e);
        }
        // Jackson's compact output escapes line breaks inside strings, so the JSON fits on one data: line.
        ByteBuf event = ByteBufAllocator.DEFAULT.directBuffer(EVENT_PREFIX.length + json.length + EVENT_SUFFIX.length);
        return event.writeBytes(EVENT_PREFIX).writeBytes(json).writeBytes(EVENT_SUFFIX);
    }

    /** One open stream; its fields are touched only on the hub's executor. */
    private static final class EventStream {
        final Channel channel;
        boolean sentAny;
        long sentVersion;
        long lastWriteNanos;

        EventStream(Channel channel) {
            this.channel = channel;
        }

        boolean hasSeen(long version) {
            return sentAny && sentVersion == version;
        }

        void markSeen(long version) {
            sentAny = true;
            sentVersion = version;
        }

        void write(ByteBuf content, long nowNanos) {
            lastWriteNanos = nowNanos;
            channel.writeAndFlush(new DefaultHttpContent(content)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }
}
