package io.vigia.backend;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets at most one event per interval through to a loud log level and counts the events it holds back, so a
 * failure repeated on every request logs one warning per interval instead of one per request.
 * Lock-free and safe to use from any thread.
 */
final class LogRateLimiter {

    /** Returned by {@link #tryAcquire()} when the event is held back. */
    static final long HELD_BACK = -1;

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextAllowedNanos;
    private final AtomicLong heldBack = new AtomicLong();

    LogRateLimiter(long intervalMillis) {
        this(intervalMillis, System::nanoTime);
    }

    /** Creates a limiter that reads time from {@code nanoClock}, for tests that control time. */
    LogRateLimiter(long intervalMillis, LongSupplier nanoClock) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("intervalMillis must be positive: " + intervalMillis);
        }
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.nanoClock = nanoClock;
        this.nextAllowedNanos = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * Returns the number of events held back since the last one let through, when this event may be logged
     * loudly, or {@link #HELD_BACK} when it may not.
     */
    long tryAcquire() {
        long now = nanoClock.getAsLong();
        long next = nextAllowedNanos.get();
        if (now - next < 0 || !nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
            heldBack.incrementAndGet();
            return HELD_BACK;
        }
        return heldBack.getAndSet(0);
    }
}
