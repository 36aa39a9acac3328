package io.vigia.balancer.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every backend with {@code GET {path}} and feeds the results to its {@link HealthTracker}.
 *
 * <p>Each backend is bound to one event loop of {@code group}; its probe runs there, and the next one is
 * scheduled {@code intervalMillis} after the result arrives, so probes of one backend never overlap.
 * {@link #start()} sends the first round at once. {@link #close()} stops scheduling; a probe already in
 * flight finishes or times out and is not followed by another.
 *
 * <p>Trackers exist whether or not probing was started, so the data path can always report a refused
 * connection through {@link #markDown}.
 */
public final class HealthProber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthProber.class);

    private final ProbeSettings settings;
    private final List<HealthTracker> trackers;
    private final List<BackendProbe> probes;

    public HealthProber(EventLoopGroup group, Class<? extends SocketChannel> channelClass, BackendGroup backends,
                        ProbeSettings settings) {
        this.settings = settings;
        Bootstrap template = new Bootstrap()
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.timeoutMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
        List<HealthTracker> newTrackers = new ArrayList<>();
        List<BackendProbe> newProbes = new ArrayList<>();
        for (Backend backend : backends.all()) {
            HealthTracker tracker = new HealthTracker(backend, backends, settings.rise(), settings.fall());
            newTrackers.add(tracker);
            newProbes.add(new BackendProbe(tracker, group.next(), template, settings));
        }
        this.trackers = List.copyOf(newTrackers);
        this.probes = List.copyOf(newProbes);
    }

    /** Sends the first probe to every backend now and keeps probing until {@link #close()}. */
    public void start() {
        log.info("health probes started path={} interval_ms={} timeout_ms={} rise={} fall={} backends={}",
                settings.path(), settings.intervalMillis(), settings.timeoutMillis(), settings.rise(),
                settings.fall(), probes.size());
        for (BackendProbe probe : probes) {
            probe.scheduleNow();
        }
    }

    /**
     * Blocks until every backend has a first probe result or {@code timeoutMillis} passed, polling every
     * 5 ms. Call it from a thread that is not one of the probes' event loops.
     *
     * @return whether every backend has a result
     */
    public boolean awaitFirstRound(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!trackers.stream().allMatch(tracker -> tracker.lastProbe() != null)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** The tracker of {@code backend}. */
    public HealthTracker tracker(Backend backend) {
        return trackers.get(backend.index());
    }

    /** Takes {@code backend} DOWN at once; see {@link HealthTracker#markDown}. */
    public void markDown(Backend backend, String reason) {
        tracker(backend).markDown(reason);
    }

    public ProbeSettings settings() {
        return settings;
    }

    /** Stops scheduling probes. Safe to call more than once and from any thread. */
    @Override
    public void close() {
        for (BackendProbe probe : probes) {
            probe.close();
        }
    }
}
