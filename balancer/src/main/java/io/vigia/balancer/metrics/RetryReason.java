package io.vigia.balancer.metrics;

import java.util.Locale;

/**
 * The reason the balancer sent a request to another backend: the {@code reason} label of
 * {@code vigia_retries_total}.
 */
public enum RetryReason {
    /** The connection to the chosen backend was refused or timed out, so nothing had been sent yet. */
    CONNECT_FAILED,
    /**
     * A connection closed before any response byte, and the idempotent request was sent again. On a reused
     * keep-alive connection this is usually the backend closing it as idle just as the request left.
     */
    REUSED_CONNECTION_CLOSED;

    /** Returns the label value, for example {@code connect_failed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
