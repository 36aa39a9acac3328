package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    @Test
    void minimumAllowsRetriesWithLittleTraffic() {
        RetryBudget budget = new RetryBudget(new RetryBudget.Settings(true, 20, 3));
        budget.requestStarted();

        for (int i = 0; i < 3; i++) {
            assertThat(budget.tryStartRetry()).as("retry %d", i + 1).isTrue();
        }
        assertThat(budget.tryStartRetry()).isFalse();
        budget.retryFinished();
        assertThat(budget.tryStartRetry()).isTrue();
        assertThat(budget.activeRetries()).isEqualTo(3);
    }

    @Test
    void percentOfActiveRequestsRaisesTheLimit() {
        RetryBudget budget = new RetryBudget(new RetryBudget.Settings(true, 25, 0));
        for (int i = 0; i < 19; i++) {
            budget.requestStarted();
        }

        // 25 % of 19 is 4.75, rounded down; the 19 requests also earned 4.75 retries of credit.
        assertThat(budget.limit()).isEqualTo(4);
        assertThat(budget.bankedRetries()).isEqualTo(4);
        for (int i = 0; i < 8; i++) {
            assertThat(budget.tryStartRetry()).as("retry %d", i + 1).isTrue();
        }
        assertThat(budget.tryStartRetry()).isFalse();
        assertThat(budget.bankedRetries()).isZero();
        for (int i = 0; i < 8; i++) {
            budget.retryFinished();
        }
        // 20 active requests at 25 % allow 5 at once, and their 5 retries of credit less the 4 spent pay for one more.
        budget.requestStarted();
        for (int i = 0; i < 6; i++) {
            assertThat(budget.tryStartRetry()).as("retry %d", i + 1).isTrue();
        }
        assertThat(budget.tryStartRetry()).isFalse();
    }

    @Test
    void creditPaysForABurstBeyondTheConcurrencyLimit() {
        RetryBudget budget = new RetryBudget(new RetryBudget.Settings(true, 20, 3));
        // 100 requests came and went, as before a backend dies under load; 8 are in flight when it does.
        for (int i = 0; i < 100; i++) {
            budget.requestStarted();
            budget.requestFinished();
        }
        for (int i = 0; i < 8; i++) {
            budget.requestStarted();
        }

        // 20 % of 108 requests earned 21.6 retries: 3 by concurrency, then 21 from the bank.
        for (int i = 0; i < 24; i++) {
            assertThat(budget.tryStartRetry()).as("retry %d", i + 1).isTrue();
        }
        assertThat(budget.tryStartRetry()).isFalse();
        assertThat(budget.activeRetries()).isEqualTo(24);
    }

    @Test
    void bankHoldsAtMostItsSize() {
        RetryBudget budget = new RetryBudget(new RetryBudget.Settings(true, 100, 0));
        for (int i = 0; i < 10_000; i++) {
            budget.requestStarted();
            budget.requestFinished();
        }

        assertThat(budget.bankedRetries()).isEqualTo(RetryBudget.MAX_BANKED_RETRIES);
        for (int i = 0; i < RetryBudget.MAX_BANKED_RETRIES; i++) {
            assertThat(budget.tryStartRetry()).as("retry %d", i + 1).isTrue();
        }
        assertThat(budget.tryStartRetry()).isFalse();
        // One more request earns one more retry at 100 %.
        budget.requestStarted();
        assertThat(budget.tryStartRetry()).isTrue();
        assertThat(budget.tryStartRetry()).isFalse();
    }

    @Test
    void disabledOrEmptyBudgetGrantsNothing() {
        RetryBudget disabled = new RetryBudget(new RetryBudget.Settings(false, 100, 10));
        RetryBudget empty = new RetryBudget(new RetryBudget.Settings(true, 0, 0));
        for (int i = 0; i < 50; i++) {
            disabled.requestStarted();
            empty.requestStarted();
        }

        assertThat(disabled.tryStartRetry()).isFalse();
        assertThat(empty.tryStartRetry()).isFalse();
        assertThat(empty.activeRetries()).isZero();
    }

    @Test
    void updateAppliesToLaterRetries() {
        RetryBudget budget = new RetryBudget(new RetryBudget.Settings(true, 0, 1));
        assertThat(budget.tryStartRetry()).isTrue();

        budget.update(new RetryBudget.Settings(true, 0, 2));

        assertThat(budget.tryStartRetry()).isTrue();
        assertThat(budget.tryStartRetry()).isFalse();
        budget.update(new RetryBudget.Settings(false, 0, 2));
        budget.retryFinished();
        assertThat(budget.tryStartRetry()).isFalse();
    }

    @Test
    void concurrentCallersNeverExceedTheLimit() throws Exception {
        RetryBudget budget = new RetryBudget(new RetryBudget.Settings(true, 0, 3));
        int threads = 4;
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 50_000; i++) {
                    budget.requestStarted();
                    if (budget.tryStartRetry()) {
                        granted.incrementAndGet();
                        maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        holders.decrementAndGet();
                        budget.retryFinished();
                    }
                    budget.requestFinished();
                }
                return null;
            }));
        }

        start.countDown();
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        assertThat(maxHolders.get()).isBetween(1, 3);
        assertThat(granted.get()).isPositive();
        assertThat(budget.activeRetries()).isZero();
        assertThat(budget.activeRequests()).isZero();
    }

    @Test
    void requestAndRetryAccountingAllocatesNothing() {
        RetryBudget budget = new RetryBudget(new RetryBudget.Settings(true, 20, 3));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 20 && allocated >= 10_000; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                budget.requestStarted();
                if (budget.tryStartRetry()) {
                    budget.retryFinished();
                }
                budget.requestFinished();
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }

        // One 16-byte object per request would be 1.6 MB per round.
        assertThat(allocated).isLessThan(10_000);
    }
}
