package io.vigia.balancer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigia.balancer.admin.ConfigReload;
import io.vigia.balancer.health.HealthProber;
import io.vigia.balancer.health.ProbeSettings;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendState;
import io.vigia.core.ErrorStatsJson;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the configuration on SIGHUP or {@code POST /admin/reload} and applies what can change while
 * running: the backend list and weights, the health-check settings, the load-balancing algorithm and the
 * retry settings.
 *
 * <p>Applying swaps the backend list whole. A backend whose address stays keeps its state, counters and
 * probe history. A new address gets a new backend, UP until its first probe fails, with its own metric
 * series, connection gauges and outlier ejection. A removed backend stops being selected, probed and
 * listed at once. Its idle pooled connections are closed, and the requests it is serving finish before
 * their connections close. Other keys (listen and admin addresses, timeouts, pool, limits,
 * recent-errors) need a restart. A reload that changes them lists them under
 * {@code restart_required} and leaves them as they are. An invalid file changes nothing, and the reason is
 * logged at WARN and returned.
 *
 * <p>Threading: reloads run one at a time on this class's own thread, because reading the file is I/O that
 * must stay off the event loops. The signal handler and the admin handler only submit work to it.
 */
final class ConfigReloader implements ConfigReload, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final BalancerServer server;
    private final Supplier<BalancerConfig> source;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "vigia-config-reload");
        thread.setDaemon(true);
        return thread;
    });
    /** The configuration applied last; touched only on the reload thread after construction. */
    private BalancerConfig current;
    /** A SIGHUP that arrived before {@link #markStarted()} and waits to be applied. */
    private final AtomicBoolean pendingSignal = new AtomicBoolean();
    private volatile boolean started;

    /**
     * @param source builds the configuration again, re-reading the file; raises {@link ConfigException}
     */
    ConfigReloader(BalancerServer server, Supplier<BalancerConfig> source) {
        this.server = server;
        this.source = source;
        this.current = server.config();
    }

    @Override
    public CompletionStage<Outcome> reload() {
        return CompletableFuture.supplyAsync(this::reloadNow, executor);
    }

    /**
     * Reloads on SIGHUP. Does nothing, with a WARN, where the JVM offers no signal handling (for example
     * on Windows, or without the {@code jdk.unsupported} module). Install it before the server starts:
     * without a handler, the JVM treats SIGHUP as a request to shut down.
     */
    void installSignalHandler() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> onSignal());
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.warn("SIGHUP reload is not available on this platform, use POST /admin/reload: {}", e.toString());
        }
    }

    /** Handles one SIGHUP: reloads now, or once the server has started. */
    void onSignal() {
        pendingSignal.set(true);
        if (!started) {
            log.info("configuration reload requested by SIGHUP, applied once the balancer has started");
            return;
        }
        if (pendingSignal.getAndSet(false)) {
            log.info("configuration reload requested by SIGHUP");
            reload();
        }
    }

    /** Records that the server has started, and applies a SIGHUP that arrived during the start. */
    void markStarted() {
        started = true;
        if (pendingSignal.getAndSet(false)) {
            log.info("configuration reload requested by SIGHUP");
            reload();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private Outcome reloadNow() {
        try {
            BalancerConfig next = source.get();
            ObjectNode summary = apply(next);
            current = next;
            log.info("configuration reloaded {}", summary);
            return new Outcome(true, summary);
        } catch (ConfigException e) {
            log.warn("configuration reload rejected, keeping the running configuration: {}", e.getMessage());
            ObjectNode body = ErrorStatsJson.MAPPER.createObjectNode();
            body.put("applied", false);
            body.put("error", e.getMessage());
            return new Outcome(false, body);
        }
    }

    private ObjectNode apply(BalancerConfig next) {
        ObjectNode summary = ErrorStatsJson.MAPPER.createObjectNode();
        summary.put("applied", true);
        applyBackends(next, summary);
        applyProbeSettings(next, summary);
        BalancerConfig before = current;
        if (next.loadBalancing() != before.loadBalancing()) {
            server.backends().setSelector(next.loadBalancing().newSelector());
        }
        summary.put("load_balancing", next.loadBalancing().configName());
        RetryBudget.Settings retry = RetryBudget.Settings.of(next);
        boolean retryChanged = !retry.equals(server.retryBudget().settings());
        if (retryChanged) {
            server.retryBudget().update(retry);
        }
        summary.put("retry_changed", retryChanged);
        summary.set("restart_required", restartRequired(before, next));
        return summary;
    }

    private void applyBackends(BalancerConfig next, ObjectNode summary) {
        BackendGroup group = server.backends();
        Map<String, Backend> running = new HashMap<>();
        int nextIndex = 0;
        for (Backend backend : group.all()) {
            running.put(backend.id(), backend);
            nextIndex = Math.max(nextIndex, backend.index() + 1);
        }

        // Every new address resolves before anything changes, so a failure leaves the running list alone.
        List<Backend> ordered = new ArrayList<>();
        List<Backend> added = new ArrayList<>();
        ArrayNode weightChanges = summary.putArray("weights_changed");
        for (BackendAddress address : next.backends()) {
            Backend backend = running.get(address.id());
            if (backend == null) {
                backend = newBackend(address, nextIndex++);
                added.add(backend);
            } else if (backend.weight() != address.weight()) {
                weightChanges.add(address.id() + " " + backend.weight() + " -> " + address.weight());
            }
            ordered.add(backend);
        }

        for (int i = 0; i < ordered.size(); i++) {
            ordered.get(i).setWeight(next.backends().get(i).weight());
        }
        publish(group, ordered, added, summary);
    }

    private void publish(BackendGroup group, List<Backend> ordered, List<Backend> added, ObjectNode summary) {
        HealthProber prober = server.prober();
        // Trackers first, so a refused connection to a new backend can take it DOWN from its first request.
        for (Backend backend : added) {
            prober.addBackend(backend);
        }
        List<Backend> removed = group.replaceBackends(ordered);
        for (Backend backend : removed) {
            prober.removeBackend(backend);
            server.pools().closeIdle(backend);
        }
        ArrayNode addedIds = summary.putArray("added");
        added.forEach(backend -> addedIds.add(backend.id()));
        ArrayNode removedIds = summary.putArray("removed");
        removed.forEach(backend -> removedIds.add(backend.id()));
    }

    private void applyProbeSettings(BalancerConfig next, ObjectNode summary) {
        ProbeSettings settings = new ProbeSettings(next.probeIntervalMillis(), next.probeTimeoutMillis(),
                next.probePath(), next.rise(), next.fall());
        boolean changed = !settings.equals(server.prober().settings());
        if (changed) {
            server.prober().updateSettings(settings);
        }
        summary.put("health_check_changed", changed);
    }

    private static Backend newBackend(BackendAddress address, int index) {
        // Resolved here, on the reload thread, like the startup list is resolved before binding.
        InetSocketAddress resolved = new InetSocketAddress(address.host(), address.port());
        if (resolved.isUnresolved()) {
            throw new ConfigException("--backends", address.id(), ConfigProblem.UNRESOLVED_BACKEND);
        }
        Backend backend = new Backend(index, address.host(), address.port(), resolved, BackendState.UP,
                System.currentTimeMillis());
        backend.setWeight(address.weight());
        return backend;
    }

    /** Lists the file keys whose new value differs from the running one but only takes effect on restart. */
    private static ArrayNode restartRequired(BalancerConfig before, BalancerConfig next) {
        ArrayNode keys = ErrorStatsJson.MAPPER.createArrayNode();
        addIfChanged(keys, "listen.host", before.host(), next.host());
        addIfChanged(keys, "listen.port", before.port(), next.port());
        addIfChanged(keys, "admin.host", before.adminHost(), next.adminHost());
        addIfChanged(keys, "admin.port", before.adminPort(), next.adminPort());
        addIfChanged(keys, "timeouts.connect-ms", before.connectTimeoutMillis(), next.connectTimeoutMillis());
        addIfChanged(keys, "timeouts.response-ms", before.responseTimeoutMillis(), next.responseTimeoutMillis());
        addIfChanged(keys, "timeouts.idle-ms", before.idleTimeoutMillis(), next.idleTimeoutMillis());
        addIfChanged(keys, "pool.max-idle-per-backend", before.poolMaxIdlePerBackend(), next.poolMaxIdlePerBackend());
        addIfChanged(keys, "recent-errors", before.recentErrors(), next.recentErrors());
        addIfChanged(keys, "limits.max-request-line-bytes", before.maxRequestLineBytes(), next.maxRequestLineBytes());
        addIfChanged(keys, "limits.max-header-bytes", before.maxHeaderBytes(), next.maxHeaderBytes());
        addIfChanged(keys, "limits.max-body-bytes", before.maxBodyBytes(), next.maxBodyBytes());
        return keys;
    }

    private static void addIfChanged(ArrayNode keys, String key, Object before, Object next) {
        if (!Objects.equals(before, next)) {
            keys.add(key);
        }
    }
}
