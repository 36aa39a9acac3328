package io.vigia.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it is true or a deadline passes. Tests use it instead of fixed sleeps. */
final class Await {

    private static final long POLL_INTERVAL_MILLIS = 25;

    private Await() {
    }

    /**
     * Returns how long {@code condition} took to become true, or throws an AssertionError naming
     * {@code description} once {@code timeout} has passed without it.
     */
    static Duration until(String description, Duration timeout, BooleanSupplier condition) {
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + description);
            }
            pause();
        }
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
