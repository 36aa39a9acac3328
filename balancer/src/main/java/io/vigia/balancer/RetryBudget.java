package io.vigia.balancer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Limits retries to a share of the requests in progress, so that a failing backend cannot multiply the load
 * on the others. It follows the retry budget of Envoy's cluster circuit breakers ({@code retry_budget}, whose
 * defaults are also 20 % and 3).
 *
 * <p>The budget counts retries in flight, not retries over a time window. A proxied request is active from
 * its head until its response ends or it is abandoned. A request holds a retry from its first granted retry
 * until that same end, and further retries of the same request use the one it holds. A new retry is granted
 * while fewer than {@code max(minConcurrency, activeRequests * budgetPercent / 100)} requests hold one, the
 * product rounded down. {@code minConcurrency} lets a balancer with little traffic still retry: with 3, a
 * single request in flight may retry. With retries turned off, or with a budget of 0 % and a minimum of 0,
 * no retry is ever granted.
 *
 * <p>Threading: every event loop calls it. The count of active requests is a {@link LongAdder}, so the
 * increment and decrement of every request do not contend across loops, and is summed only when a retry is
 * requested. Retries held are one {@link AtomicInteger}, claimed by compare-and-set, so the limit is never
 * exceeded. The sum can be off by the requests that start or end meanwhile. Nothing is allocated. The
 * settings are replaced whole on a configuration reload.
 */
final class RetryBudget {

    /** The settings of a budget: whether retries happen, the share of active requests, the minimum. */
    record Settings(boolean enabled, int budgetPercent, int minConcurrency) {
        static Settings of(BalancerConfig config) {
            return new Settings(config.retryEnabled(), config.retryBudgetPercent(), config.retryMinConcurrency());
        }
    }

    private final LongAdder activeRequests = new LongAdder();
    private final AtomicInteger activeRetries = new AtomicInteger();
    private volatile Settings settings;

    RetryBudget(Settings settings) {
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    /** Applies new settings to the retries requested from now on; retries already granted stay granted. */
    void update(Settings value) {
        settings = value;
    }

    /** Counts a proxied request that starts; pair every call with {@link #requestFinished()}. */
    void requestStarted() {
        activeRequests.increment();
    }

    void requestFinished() {
        activeRequests.decrement();
    }

    /**
     * Grants one retry, to be handed back with {@link #retryFinished()}, or returns false when retries are
     * off or the budget is used up.
     */
    boolean tryStartRetry() {
        Settings current = settings;
        if (!current.enabled()) {
            return false;
        }
        long limit = limit(current);
        while (true) {
            int held = activeRetries.get();
            if (held >= limit) {
                return false;
            }
            if (activeRetries.compareAndSet(held, held + 1)) {
                return true;
            }
        }
    }

    void retryFinished() {
        activeRetries.decrementAndGet();
    }

    /** Requests in progress, as last summed. */
    long activeRequests() {
        return activeRequests.sum();
    }

    /** Retries granted and not yet handed back. */
    int activeRetries() {
        return activeRetries.get();
    }

    /** The number of retries that may be in flight now. */
    long limit() {
        return limit(settings);
    }

    private long limit(Settings current) {
        return Math.max(current.minConcurrency(), activeRequests.sum() * current.budgetPercent() / 100);
    }
}
