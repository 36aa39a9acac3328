package io.vigia.balancer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval and counts the ones it holds back, so a failure repeated on
 * every request does not flood the log. Thread-safe and lock-free; every event loop shares one instance.
 */
final class LogRateLimiter {

    private final long intervalNanos;
    private final AtomicLong nextPermitNanos;
    private final AtomicLong suppressed = new AtomicLong();

    LogRateLimiter(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
        this.nextPermitNanos = new AtomicLong(System.nanoTime());
    }

    /**
     * Returns -1 when the caller must not log, otherwise the number of lines held back since the last one
     * that was let through.
     */
    long tryAcquire() {
        long now = System.nanoTime();
        long next = nextPermitNanos.get();
        if (now - next < 0 || !nextPermitNanos.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return -1;
        }
        return suppressed.getAndSet(0);
    }
}
