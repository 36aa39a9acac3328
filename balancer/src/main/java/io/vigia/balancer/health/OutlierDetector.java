package io.vigia.balancer.health;

import io.netty.util.concurrent.EventExecutor;
import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendState;
import io.vigia.balancer.selection.PerBackend;
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
 * last UP backend is never ejected, so a single backend is never ejected. The share is taken of the backend
 * list at the time of the ejection, and a backend that a configuration reload adds is watched like the
 * others from its first response.
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
    private final int maxEjectedPercent;
    private final PerBackend<Outlier> outliers = new PerBackend<>(backend -> new Outlier());
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
        this.maxEjectedPercent = maxEjectedPercent;
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
        AtomicInteger run = outliers.get(backend).failureRun;
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
        Outlier outlier = outliers.get(backend);
        int failures = outlier.failureRun.getAndSet(0);
        if (failures < consecutiveFailures || !backend.isUp() || backend.isRetired()) {
            // Another thread ejected it first, it went DOWN meanwhile, or a reload removed it.
            return;
        }
        int ejected = countEjected();
        int maxEjected = backends.size() * maxEjectedPercent / 100;
        if (ejected >= maxEjected || backends.healthy().size() <= 1) {
            warnNotEjected(backend, failures, ejected, maxEjected);
            return;
        }

        int number = ++outlier.ejections;
        long durationMillis = ejectionMillis(number);
        if (backends.changeState(backend, BackendState.EJECTED, failures + " consecutive failed responses, "
                + "ejected for " + durationMillis + " ms")) {
            log.info("backend {} ejected consecutive_failures={} ejection={} duration_ms={}", backend.id(), failures,
                    number, durationMillis);
            timer.schedule(() -> restore(backend, durationMillis), durationMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void warnNotEjected(Backend backend, int failures, int ejected, int maxEjected) {
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
        outliers.get(backend).failureRun.set(0);
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

    /** The failure run and the ejection count of one backend. */
    private static final class Outlier {
        /** Failed responses in a row; updated on every event loop. */
        final AtomicInteger failureRun = new AtomicInteger();
        /** Ejections so far; touched only under the detector's lock. */
        int ejections;
    }
}
