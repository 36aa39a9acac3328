package io.vigia.balancer.selection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every configured backend plus the choice among those that are UP: round robin unless
 * {@link #setSelector} installs another {@link BackendSelector}.
 *
 * <p>State changes come from health probes and from the data path (a refused connection) on any thread.
 * {@link #changeState} and {@link #replaceBackends} serialize them under this object's lock, log each one
 * and republish the healthy list whole. {@link #select} reads only that snapshot and takes no lock.
 * {@link StateListener}s hear of each change while that lock is held, so they see changes in order and
 * must return quickly.
 */
public final class BackendGroup {

    /** Hears of every state change, for example to count it in metrics. */
    @FunctionalInterface
    public interface StateListener {
        /** Called under the group's lock after {@code backend} moved from {@code oldState} to {@code newState}. */
        void onStateChange(Backend backend, BackendState oldState, BackendState newState);
    }

    /** Hears of each backend that {@link #replaceBackends} adds, for example to give it metric series. */
    @FunctionalInterface
    public interface BackendAddedListener {
        /** Called under the group's lock for a new backend, before any request can select it. */
        void onAdded(Backend backend);
    }

    private static final Logger log = LoggerFactory.getLogger(BackendGroup.class);

    private volatile List<Backend> all;
    private final RoundRobinSelector<Backend> healthy = new RoundRobinSelector<>();
    private final LongSupplier clockMillis;
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final List<BackendAddedListener> addedListeners = new CopyOnWriteArrayList<>();
    private volatile BackendSelector selector;

    /** Creates a group over {@code backends}, whose indexes must be 0, 1, 2... in list order. */
    public BackendGroup(List<Backend> backends, LongSupplier clockMillis) {
        for (int i = 0; i < backends.size(); i++) {
            if (backends.get(i).index() != i) {
                throw new IllegalArgumentException("backend " + backends.get(i) + " has index "
                        + backends.get(i).index() + ", expected " + i);
            }
        }
        this.all = List.copyOf(backends);
        this.clockMillis = clockMillis;
        publishHealthy();
    }

    /** Adds {@code listener}, which is told of every state change made from now on. */
    public void addStateListener(StateListener listener) {
        listeners.add(listener);
    }

    /** Adds {@code listener}, called for each backend that a later {@link #replaceBackends} adds. */
    public void addBackendAddedListener(BackendAddedListener listener) {
        addedListeners.add(listener);
    }

    /** Every backend in configuration order. */
    public List<Backend> all() {
        return all;
    }

    public int size() {
        return all.size();
    }

    /** The backends that are UP, as one immutable snapshot. */
    public List<Backend> healthy() {
        return healthy.candidates();
    }

    /** Returns the next UP backend, or {@code null} when none is UP. */
    public Backend select() {
        BackendSelector current = selector;
        return current == null ? healthy.next() : current.select(healthy.candidates(), backend -> false);
    }

    /** Returns the next UP backend that {@code skip} does not reject, or {@code null}. */
    public Backend select(Predicate<? super Backend> skip) {
        BackendSelector current = selector;
        return current == null ? healthy.next(skip) : current.select(healthy.candidates(), skip);
    }

    /** Installs the way to choose among the UP backends; {@code null} restores plain round robin. */
    public void setSelector(BackendSelector value) {
        selector = value;
    }

    /**
     * Replaces the backend list, for a configuration reload. Backends kept from the old list keep their
     * state and counters; backends missing from {@code backends} are marked retired and returned. Each
     * {@link BackendAddedListener} hears of the new backends before the new list is published.
     */
    public synchronized List<Backend> replaceBackends(List<Backend> backends) {
        for (Backend backend : backends) {
            if (!all.contains(backend)) {
                for (BackendAddedListener listener : addedListeners) {
                    listener.onAdded(backend);
                }
            }
        }
        List<Backend> removed = new ArrayList<>();
        for (Backend old : all) {
            if (!backends.contains(old)) {
                old.retire();
                removed.add(old);
            }
        }
        all = List.copyOf(backends);
        publishHealthy();
        log.info("backends replaced backends={} removed={} healthy={}/{}", all, removed,
                healthy.candidates().size(), all.size());
        return removed;
    }

    /**
     * Moves {@code backend} to {@code newState}, logs the change and republishes the healthy list.
     *
     * @return whether the state changed; {@code false} when the backend was already in {@code newState}
     */
    public synchronized boolean changeState(Backend backend, BackendState newState, String reason) {
        BackendState oldState = backend.state();
        if (oldState == newState) {
            return false;
        }

        long now = clockMillis.getAsLong();
        backend.setState(newState, now);
        publishHealthy();

        log.info("backend {} state {} -> {} reason=\"{}\" since={} healthy={}/{}", backend.id(), oldState,
                newState, reason, Instant.ofEpochMilli(now), healthy.candidates().size(), all.size());
        for (StateListener listener : listeners) {
            listener.onStateChange(backend, oldState, newState);
        }
        return true;
    }

    private void publishHealthy() {
        List<Backend> up = new ArrayList<>(all.size());
        for (Backend backend : all) {
            if (backend.isUp()) {
                up.add(backend);
            }
        }
        healthy.setCandidates(up);
    }
}
