package io.vigia.balancer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Limits retries to a share of the traffic, so that a failing backend cannot multiply the load on the others.
 * It combines the retry budget of Envoy's cluster circuit breakers ({@code retry_budget}, whose defaults are
 * also 20 % and 3) with a bank of retry credit earned by traffic.
 *
 * <p>A proxied request is active from its head until its response ends or it is abandoned. A request keeps
 * its first granted retry until that same end, and further retries of the same request reuse it. A new
 * retry is granted in one of two ways:
 * <ul>
 *   <li>by concurrency, while fewer than {@code max(minConcurrency, activeRequests * budgetPercent / 100)}
 *       requests have one, the product rounded down. {@code minConcurrency} lets a balancer with little
 *       traffic still retry: with 3, a single request in flight may retry;</li>
 *   <li>by credit, when the concurrency limit is reached. Every request that starts earns
 *       {@code budgetPercent / 100} of a retry, and a retry granted this way spends one. The bank keeps at
 *       most {@value #MAX_BANKED_RETRIES} retries, so over time retries stay within {@code budgetPercent} of
 *       the requests, while a backend that dies with many requests in flight can still have all of them
 *       retried on the others. Concurrency alone would fail every request past the limit in such a burst.</li>
 * </ul>
 * With retries turned off, or with a budget of 0 % and a minimum of 0, no retry is ever granted.
 *
 * <p>Threading: every event loop calls it. The counts of active and started requests are {@link LongAdder}s,
 * so the two increments of every request do not contend across loops. They are summed only when a retry is
 * requested. Retries in flight are one {@link AtomicInteger} and the credit spent one {@link AtomicLong}, both
 * changed by compare-and-set, so neither limit is exceeded. The sums can be off by the requests that start or
 * end meanwhile. Nothing is allocated. The settings are replaced whole on a configuration reload, and the
 * credit is then counted at the new percentage.
 */
final class RetryBudget {

    /** The settings of a budget: whether retries happen, the share of active requests, the minimum. */
    record Settings(boolean enabled, int budgetPercent, int minConcurrency) {
        static Settings of(BalancerConfig config) {
            return new Settings(config.retryEnabled(), config.retryBudgetPercent(), config.retryMinConcurrency());
        }
    }

    /**
     * Maximum retry credit in the bank, in retries. NOTE: a chosen size, not configurable and not tuned
     * against real failure bursts; a burst larger than this plus the concurrency limit still gets 502s.
     */
    static final int MAX_BANKED_RETRIES = 100;
    /** Credit is counted in hundredths of a retry, so that a request earns exactly its budget percentage. */
    private static final long UNITS_PER_RETRY = 100;

    private final LongAdder activeRequests = new LongAdder();
    private final LongAdder startedRequests = new LongAdder();
    private final AtomicInteger activeRetries = new AtomicInteger();
    /** Credit units spent, never less than the units earned minus the bank's size. */
    private final AtomicLong spentUnits = new AtomicLong();
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
        startedRequests.increment();
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
            int inFlight = activeRetries.get();
            if (inFlight >= limit) {
                break;
            }
            if (activeRetries.compareAndSet(inFlight, inFlight + 1)) {
                return true;
            }
        }
        if (!spendCredit(current)) {
            return false;
        }
        activeRetries.incrementAndGet();
        return true;
    }

    /** Takes one retry's worth of credit from the bank, or returns false when the bank has less than that. */
    private boolean spendCredit(Settings current) {
        long earned = startedRequests.sum() * current.budgetPercent();
        while (true) {
            long spent = spentUnits.get();
            // Credit beyond the bank's size was never kept: spending starts from the full bank at most.
            long from = Math.max(spent, earned - MAX_BANKED_RETRIES * UNITS_PER_RETRY);
            if (earned - from < UNITS_PER_RETRY) {
                return false;
            }
            if (spentUnits.compareAndSet(spent, from + UNITS_PER_RETRY)) {
                return true;
            }
        }
    }

    /** Retries the bank of credit can pay for now. */
    long bankedRetries() {
        long earned = startedRequests.sum() * settings.budgetPercent();
        long from = Math.max(spentUnits.get(), earned - MAX_BANKED_RETRIES * UNITS_PER_RETRY);
        return Math.max(0, (earned - from) / UNITS_PER_RETRY);
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

    /** Returns the number of retries that may be in flight now. */
    long limit() {
        return limit(settings);
    }

    private long limit(Settings current) {
        return Math.max(current.minConcurrency(), activeRequests.sum() * current.budgetPercent() / 100);
    }
}
