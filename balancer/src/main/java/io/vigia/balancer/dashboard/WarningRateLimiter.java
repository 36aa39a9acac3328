package io.vigia.balancer.dashboard;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one warning through per interval and counts the ones it holds back, so a failure that repeats on
 * every tick or request does not flood the log.
 *
 * <p>Thread-safe: any thread may call {@link #tryAcquire()}.
 */
final class WarningRateLimiter {

    private final long intervalNanos;
    private final AtomicLong nextAllowedNanos;
    private final AtomicLong suppressed = new AtomicLong();

    WarningRateLimiter(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
        this.nextAllowedNanos = new AtomicLong(System.nanoTime());
    }

    /**
     * Returns -1 when the caller should stay silent, otherwise the number of warnings suppressed since the
     * last one logged (0 or more), which the caller should include in its message.
     */
    long tryAcquire() {
        long now = System.nanoTime();
        long allowedAt = nextAllowedNanos.get();
        if (now - allowedAt >= 0 && nextAllowedNanos.compareAndSet(allowedAt, now + intervalNanos)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
