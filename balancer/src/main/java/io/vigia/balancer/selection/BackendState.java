package io.vigia.balancer.selection;

/** Whether a backend receives traffic. Only {@link BackendGroup#changeState} moves a backend between states. */
public enum BackendState {
    /** The backend is in the rotation. */
    UP,
    /** The backend is out of the rotation until health probes bring it back. */
    DOWN,
    /**
     * The backend is out of the rotation for a while after a run of failed responses, and comes back UP when
     * that time ends; see {@code OutlierDetector}.
     */
    EJECTED
}
