package io.vigia.balancer.health;

/**
 * The probe request, its timeout, its schedule and the rise/fall thresholds.
 *
 * @param intervalMillis time between the end of one probe and the start of the next
 * @param timeoutMillis  time a probe may take, connection included, before it counts as failed
 * @param path           request target of the probe, for example {@code /health}
 * @param rise           consecutive successes that bring a DOWN backend UP
 * @param fall           consecutive failures that take an UP backend DOWN
 */
public record ProbeSettings(long intervalMillis, long timeoutMillis, String path, int rise, int fall) {

    public ProbeSettings {
        if (intervalMillis < 1 || timeoutMillis < 1) {
            throw new IllegalArgumentException("probe interval and timeout must be at least 1 ms, got interval="
                    + intervalMillis + " timeout=" + timeoutMillis);
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1, got rise=" + rise
                    + " fall=" + fall);
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("probe path must start with '/', got " + path);
        }
    }
}
