package io.vigia.balancer.health;

import io.netty.util.concurrent.EventExecutor;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendState;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive health checking: takes a backend out of the rotation (state {@link BackendState#EJECTED}) after a
 * run of failed responses, and puts it back after an ejection time that grows with each ejection.
 *
 * <p>A failure is a response with status 500 or more that the client received for a request served by the
 * backend, whether the backend sent it or the balancer made it (502, 504). Any other status ends the run. A
 * refused connection is not counted here because the data path already takes the backend DOWN for it. The
 * {@code n}-th ejection of a backend lasts {@code n} times the base time, at most {@link #MAX_EJECTION_FACTOR}
 * times it. At most {@code maxEjectedPercent} of the backends, rounded down, are ejected at once, and the
 * last UP backend is never ejected, so a single backend is never ejected.
 *
 * <p>While ejected, a backend's successful health probes do not bring it back, but failing probes take it
 * DOWN, after which the usual rise threshold applies. Counting is lock-free and runs on every event loop.
 * Ejecting and restoring are rare and serialized by this object's lock.
 */
public final class OutlierDetector {

    /** The maximum ejection time, as a multiple of the base time. */
    static final int MAX_EJECTION_FACTOR = 10;
    /** Shortest time between two warnings about a backend that could not be ejected. */
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);

    private final BackendGroup backends;
    private final EventExecutor timer;
    private final int consecutiveFailures;
    private final long baseEjectionMillis;
    private final int maxEjected;
    private final AtomicInteger[] failureRuns;
    private final int[] ejections;
    private long nextWarningNanos = System.nanoTime();
    private int warningsHeldBack;

    /**
     * @param timer               executor that runs the end of each ejection
     * @param consecutiveFailures failed responses in a row that eject a backend; 0 turns ejection off
     * @param baseEjectionMillis  length of a backend's first ejection
     * @param maxEjectedPercent   share of the backends that may be ejected at once, from 0 to 100
     */
    public OutlierDetector(BackendGroup backends, EventExecutor timer, int consecutiveFailures,
                           long baseEjectionMillis, int maxEjectedPercent) {
        this.backends = backends;
        this.timer = timer;
        this.consecutiveFailures = consecutiveFailures;
        this.baseEjectionMillis = baseEjectionMillis;
        this.maxEjected = backends.size() * maxEjectedPercent / 100;
        this.failureRuns = new AtomicInteger[backends.size()];
        for (int i = 0; i < failureRuns.length; i++) {
            failureRuns[i] = new AtomicInteger();
        }
        this.ejections = new int[backends.size()];
    }

    /** Returns whether ejection is on. */
    public boolean isEnabled() {
        return consecutiveFailures > 0;
    }

    /** Counts the response {@code status} that the client received for a request {@code backend} served. */
    public void onResponse(Backend backend, int status) {
        if (consecutiveFailures <= 0) {
            return;
        }
        if (backend.index() >= failureRuns.length) {
            // NOTE: backends added by a configuration reload are not ejected until the balancer restarts.
            return;
        }
        AtomicInteger run = failureRuns[backend.index()];
        if (status < 500) {
            if (run.get() != 0) {
                run.set(0);
            }
            return;
        }
        if (run.incrementAndGet() >= consecutiveFailures) {
            maybeEject(backend);
        }
    }

    /** Returns how long the {@code ejectionNumber}-th ejection (1 for the first) lasts. */
    long ejectionMillis(int ejectionNumber) {
        return baseEjectionMillis * Math.min(ejectionNumber, MAX_EJECTION_FACTOR);
    }

    private synchronized void maybeEject(Backend backend) {
        int failures = failureRuns[backend.index()].getAndSet(0);
        if (failures < consecutiveFailures || !backend.isUp()) {
            // Another thread ejected it first, or it went DOWN meanwhile.
            return;
        }
        int ejected = countEjected();
        if (ejected >= maxEjected || backends.healthy().size() <= 1) {
            warnNotEjected(backend, failures, ejected);
            return;
        }

        int number = ++ejections[backend.index()];
        long durationMillis = ejectionMillis(number);
        if (backends.changeState(backend, BackendState.EJECTED, failures + " consecutive failed responses, "
                + "ejected for " + durationMillis + " ms")) {
            log.info("backend {} ejected consecutive_failures={} ejection={} duration_ms={}", backend.id(), failures,
                    number, durationMillis);
            timer.schedule(() -> restore(backend, durationMillis), durationMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void warnNotEjected(Backend backend, int failures, int ejected) {
        long now = System.nanoTime();
        if (now - nextWarningNanos < 0) {
            warningsHeldBack++;
            return;
        }
        nextWarningNanos = now + WARNING_INTERVAL_NANOS;
        log.warn("backend {} not ejected after {} consecutive failed responses: ejected={} max_ejected={} "
                + "healthy={}/{} suppressed={}", backend.id(), failures, ejected, maxEjected,
                backends.healthy().size(), backends.size(), warningsHeldBack);
        warningsHeldBack = 0;
    }

    private synchronized void restore(Backend backend, long durationMillis) {
        failureRuns[backend.index()].set(0);
        if (backend.state() == BackendState.EJECTED) {
            backends.changeState(backend, BackendState.UP, "ejection of " + durationMillis + " ms ended");
        }
    }

    private int countEjected() {
        int count = 0;
        for (Backend candidate : backends.all()) {
            if (candidate.state() == BackendState.EJECTED) {
                count++;
            }
        }
        return count;
    }
}
