package io.vigia.balancer.health;

/**
 * The outcome of one health probe.
 *
 * @param timeMillis   wall-clock time the probe finished, in epoch milliseconds
 * @param ok           whether the backend responded with a 2xx status in time
 * @param latencyNanos time from the start of the connection attempt to the result
 * @param status       HTTP status of the answer, or 0 when there was none
 * @param error        why the probe failed, or {@code null} when it succeeded
 */
public record ProbeResult(long timeMillis, boolean ok, long latencyNanos, int status, String error) {

    /** Latency in milliseconds, rounded to two decimals. */
    public double latencyMillis() {
        return Math.round(latencyNanos / 10_000.0) / 100.0;
    }
}
