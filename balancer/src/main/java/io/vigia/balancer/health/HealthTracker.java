package io.vigia.balancer.health;

import io.vigia.balancer.selection.Backend;
import io.vigia.balancer.selection.BackendGroup;
import io.vigia.balancer.selection.BackendState;

/**
 * Applies the rise/fall thresholds to one backend's probe results and reports refused connections.
 *
 * <p>A DOWN backend goes UP after {@code rise} consecutive successful probes; an UP backend goes DOWN
 * after {@code fall} consecutive failed probes, or at once when the data path reports a refused
 * connection. With probes on, backends start DOWN and the first probe, sent at startup, decides: a
 * success puts the backend in rotation at once, a failure leaves it DOWN until {@code rise} successes.
 * A backend created UP (probes off, or tests) that fails its first probe goes DOWN at once instead of
 * after {@code fall} intervals. An EJECTED backend comes back only when its ejection ends, so successful
 * probes leave it EJECTED, but failed probes take it DOWN as they would an UP backend.
 *
 * <p>Probe results arrive on an event loop and refusals on any event loop, so every method that changes
 * state is {@code synchronized}. {@link #lastProbe()} is a volatile read for {@code /status}.
 */
public final class HealthTracker {

    private final Backend backend;
    private final BackendGroup group;
    private int rise;
    private int fall;

    private int consecutiveSuccesses;
    private int consecutiveFailures;
    private boolean probed;
    /** True until the first probe result or refusal, while a backend created DOWN waits for its first probe. */
    private boolean awaitingFirstProbe;
    private volatile ProbeResult lastProbe;

    public HealthTracker(Backend backend, BackendGroup group, int rise, int fall) {
        this.backend = backend;
        this.group = group;
        this.rise = rise;
        this.fall = fall;
        this.awaitingFirstProbe = !backend.isUp();
    }

    public Backend backend() {
        return backend;
    }

    /** The most recent probe result, or {@code null} before the first probe finished. */
    public ProbeResult lastProbe() {
        return lastProbe;
    }

    /** Sets new thresholds, for a configuration reload; the current run of results counts towards them. */
    public synchronized void setThresholds(int newRise, int newFall) {
        rise = newRise;
        fall = newFall;
    }

    /** Records a probe result and changes the backend's state when a threshold is reached. */
    public synchronized void record(ProbeResult result) {
        boolean first = !probed;
        boolean admitsAtOnce = awaitingFirstProbe;
        probed = true;
        awaitingFirstProbe = false;
        lastProbe = result;
        if (result.ok()) {
            consecutiveFailures = 0;
            consecutiveSuccesses++;
            if (backend.state() == BackendState.DOWN && admitsAtOnce) {
                group.changeState(backend, BackendState.UP, "first probe succeeded");
            } else if (backend.state() == BackendState.DOWN && consecutiveSuccesses >= rise) {
                group.changeState(backend, BackendState.UP, consecutiveSuccesses + " consecutive successful probes");
            }
            return;
        }

        consecutiveSuccesses = 0;
        consecutiveFailures++;
        boolean inService = backend.state() != BackendState.DOWN;
        if (inService && first) {
            group.changeState(backend, BackendState.DOWN, "first probe failed: " + result.error());
        } else if (inService && consecutiveFailures >= fall) {
            group.changeState(backend, BackendState.DOWN,
                    consecutiveFailures + " consecutive failed probes, last: " + result.error());
        }
    }

    /**
     * Takes the backend DOWN at once, for example after a refused connection. It comes back after
     * {@code rise} consecutive successful probes.
     */
    public synchronized void markDown(String reason) {
        consecutiveSuccesses = 0;
        awaitingFirstProbe = false;
        group.changeState(backend, BackendState.DOWN, reason);
    }
}
