package io.vigia.balancer.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>A configuration reload calls {@link #addBackend}, {@link #removeBackend} and {@link #updateSettings}
 * from the reload thread; these methods are {@code synchronized}, while lookups from event loops read
 * concurrent maps. Trackers exist whether or not probing was started, so the data path can always report a
 * refused connection through {@link #markDown}.
 */
public final class HealthProber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthProber.class);

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final BackendGroup backends;
    private final Map<Backend, HealthTracker> trackers = new ConcurrentHashMap<>();
    private final Map<Backend, BackendProbe> probes = new ConcurrentHashMap<>();
    private volatile ProbeSettings settings;
    private Bootstrap template;
    private boolean started;
    private boolean closed;

    public HealthProber(EventLoopGroup group, Class<? extends SocketChannel> channelClass, BackendGroup backends,
                        ProbeSettings settings) {
        this.group = group;
        this.channelClass = channelClass;
        this.backends = backends;
        this.settings = settings;
        this.template = newTemplate(settings);
        for (Backend backend : backends.all()) {
            addBackend(backend);
        }
    }

    /** Sends the first probe to every backend now and keeps probing until {@link #close()}. */
    public synchronized void start() {
        started = true;
        log.info("health probes started path={} interval_ms={} timeout_ms={} rise={} fall={} backends={}",
                settings.path(), settings.intervalMillis(), settings.timeoutMillis(), settings.rise(),
                settings.fall(), probes.size());
        for (BackendProbe probe : probes.values()) {
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
        while (!trackers.values().stream().allMatch(tracker -> tracker.lastProbe() != null)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** The tracker of {@code backend}, or {@code null} when a reload removed it. */
    public HealthTracker tracker(Backend backend) {
        return trackers.get(backend);
    }

    /** The last probe result of {@code backend}, or {@code null} before its first probe or after its removal. */
    public ProbeResult lastProbe(Backend backend) {
        HealthTracker tracker = trackers.get(backend);
        return tracker == null ? null : tracker.lastProbe();
    }

    /** Takes {@code backend} DOWN at once; see {@link HealthTracker#markDown}. Ignored for a removed backend. */
    public void markDown(Backend backend, String reason) {
        HealthTracker tracker = trackers.get(backend);
        if (tracker != null) {
            tracker.markDown(reason);
        }
    }

    public ProbeSettings settings() {
        return settings;
    }

    /** Starts tracking {@code backend}, and probing it at once when probing has started. */
    public synchronized void addBackend(Backend backend) {
        HealthTracker tracker = new HealthTracker(backend, backends, settings.rise(), settings.fall());
        trackers.put(backend, tracker);
        BackendProbe probe = new BackendProbe(tracker, group.next(), template, settings);
        probes.put(backend, probe);
        if (started && !closed) {
            probe.scheduleNow();
        }
    }

    /** Stops probing and tracking {@code backend}; a probe in flight finishes without a successor. */
    public synchronized void removeBackend(Backend backend) {
        BackendProbe probe = probes.remove(backend);
        if (probe != null) {
            probe.close();
        }
        trackers.remove(backend);
    }

    /**
     * Applies new probe settings: trackers keep their results and take the new thresholds, and every probe
     * loop restarts with the new path, interval and timeout.
     */
    public synchronized void updateSettings(ProbeSettings newSettings) {
        settings = newSettings;
        template = newTemplate(newSettings);
        for (Map.Entry<Backend, HealthTracker> entry : trackers.entrySet()) {
            entry.getValue().setThresholds(newSettings.rise(), newSettings.fall());
            BackendProbe replacement = new BackendProbe(entry.getValue(), group.next(), template, newSettings);
            BackendProbe old = probes.put(entry.getKey(), replacement);
            if (old != null) {
                old.close();
            }
            if (started && !closed) {
                replacement.scheduleNow();
            }
        }
        log.info("health probe settings changed path={} interval_ms={} timeout_ms={} rise={} fall={}",
                newSettings.path(), newSettings.intervalMillis(), newSettings.timeoutMillis(), newSettings.rise(),
                newSettings.fall());
    }

    /** Stops scheduling probes. Safe to call more than once and from any thread. */
    @Override
    public synchronized void close() {
        closed = true;
        for (BackendProbe probe : probes.values()) {
            probe.close();
        }
    }

    private Bootstrap newTemplate(ProbeSettings probeSettings) {
        return new Bootstrap()
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, probeSettings.timeoutMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
    }
}
