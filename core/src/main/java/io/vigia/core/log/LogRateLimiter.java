package io.vigia.core.log;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Rate-limits a repeated log line: for each key, lets at most one line through per interval and counts the
 * ones it suppresses, so that the next line let through can report how many similar lines were left out.
 *
 * <p>One instance serves one kind of line, such as "backend failed" or "unexpected error on a client
 * connection". The key separates occurrences that must not hide each other, such as the backend that failed
 * or the exception class, so that a flood from one key still lets the first line of another key through.
 * Keys must come from a small set (backend ids, exception classes, constants), because each key keeps a
 * window for the life of the limiter. Once about {@link #DEFAULT_MAX_KEYS} keys have windows, new keys share
 * one overflow window, so memory stays bounded but those keys can suppress each other.
 *
 * <p>A caller logs only when {@link #tryAcquire} returns 0 or more, and puts that number in the line:
 * <pre>{@code
 * long suppressed = limiter.tryAcquire(backend.id());
 * if (suppressed != LogRateLimiter.SUPPRESSED) {
 *     log.warn("{} backend={} connect failed suppressed={}", channel, backend.id(), suppressed);
 * }
 * }</pre>
 *
 * <p>Thread-safe: any thread may call {@link #tryAcquire}. For a key that already has a window the call is
 * lock-free (a {@link ConcurrentHashMap} read, then at most one compare-and-set and one atomic add or swap)
 * and allocates nothing, whether it lets the line through or not. The first call with a new key allocates
 * its window, and the insert may briefly lock one bin of the map.
 */
public final class LogRateLimiter {

    /** Returned by {@link #tryAcquire} when the caller must not log the line. */
    public static final long SUPPRESSED = -1;
    /** Default maximum number of keys with a window of their own. */
    public static final int DEFAULT_MAX_KEYS = 256;

    private final long intervalNanos;
    private final int maxKeys;
    private final LongSupplier nanoClock;
    private final ConcurrentMap<Object, Window> windows = new ConcurrentHashMap<>();
    private final Window overflow;

    /** Creates a limiter that lets one line per key through every {@code interval}. */
    public LogRateLimiter(long interval, TimeUnit unit) {
        this(interval, unit, DEFAULT_MAX_KEYS, System::nanoTime);
    }

    /**
     * Creates a limiter that reads the time from {@code nanoClock}, a source like {@link System#nanoTime()},
     * so that tests can control time.
     *
     * @throws IllegalArgumentException when {@code interval} or {@code maxKeys} is not positive
     */
    LogRateLimiter(long interval, TimeUnit unit, int maxKeys, LongSupplier nanoClock) {
        if (interval <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + interval + " " + unit);
        }
        if (maxKeys <= 0) {
            throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
        }
        this.intervalNanos = unit.toNanos(interval);
        this.maxKeys = maxKeys;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.overflow = new Window(nanoClock.getAsLong());
    }

    /**
     * Decides whether a line for {@code key} may be logged now.
     *
     * @param key what separates this line from similar ones, compared with {@code equals}; not null
     * @return {@link #SUPPRESSED} when the caller must not log, otherwise the number of lines for this key
     *         suppressed since the last one let through (0 or more), for the caller to report. A call
     *         suppressed at the same moment may be counted in this report rather than in the next one, but
     *         every suppressed call is reported exactly once.
     */
    public long tryAcquire(Object key) {
        Objects.requireNonNull(key, "key");
        long nowNanos = nanoClock.getAsLong();
        return windowFor(key, nowNanos).tryAcquire(nowNanos, intervalNanos);
    }

    private Window windowFor(Object key, long nowNanos) {
        Window window = windows.get(key);
        if (window != null) {
            return window;
        }
        // Racing first calls with different keys can each pass this check, so the map can exceed maxKeys by
        // the number of racing threads, which is still bounded.
        if (windows.size() >= maxKeys) {
            return overflow;
        }
        return windows.computeIfAbsent(key, ignored -> new Window(nowNanos));
    }

    /** The state of one key: when its next line may go out, and how many it suppressed since the last one. */
    private static final class Window {
        private final AtomicLong nextAllowedNanos;
        private final AtomicLong suppressed = new AtomicLong();

        Window(long nowNanos) {
            this.nextAllowedNanos = new AtomicLong(nowNanos);
        }

        long tryAcquire(long nowNanos, long intervalNanos) {
            long allowedAt = nextAllowedNanos.get();
            // Compared by difference, because System.nanoTime() values may overflow and be negative.
            if (nowNanos - allowedAt >= 0 && nextAllowedNanos.compareAndSet(allowedAt, nowNanos + intervalNanos)) {
                return suppressed.getAndSet(0);
            }
            suppressed.incrementAndGet();
            return SUPPRESSED;
        }
    }
}
