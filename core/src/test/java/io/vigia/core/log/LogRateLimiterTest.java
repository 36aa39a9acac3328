package io.vigia.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogRateLimiterTest {

    private static final long SUPPRESSED = LogRateLimiter.SUPPRESSED;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private LogRateLimiter limiter(long intervalMillis, int maxKeys) {
        return new LogRateLimiter(intervalMillis, TimeUnit.MILLISECONDS, maxKeys, nanos::get);
    }

    @Test
    void firstLinePassesAndRepeatsWaitForInterval() {
        LogRateLimiter limiter = limiter(100, 10);

        assertThat(limiter.tryAcquire("key")).isZero();
        assertThat(limiter.tryAcquire("key")).isEqualTo(SUPPRESSED);
        advanceMillis(99);
        assertThat(limiter.tryAcquire("key")).isEqualTo(SUPPRESSED);
        advanceMillis(1);
        assertThat(limiter.tryAcquire("key")).as("suppressed since the last line").isEqualTo(2);
        assertThat(limiter.tryAcquire("key")).isEqualTo(SUPPRESSED);
    }

    @Test
    void countRestartsAfterEachReport() {
        LogRateLimiter limiter = limiter(100, 10);
        limiter.tryAcquire("key");
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire("key");
        }
        advanceMillis(100);
        assertThat(limiter.tryAcquire("key")).isEqualTo(5);

        advanceMillis(100);

        assertThat(limiter.tryAcquire("key")).isZero();
    }

    @Test
    void keysHaveSeparateWindows() {
        LogRateLimiter limiter = limiter(100, 10);
        assertThat(limiter.tryAcquire("backend-a")).isZero();
        assertThat(limiter.tryAcquire("backend-a")).isEqualTo(SUPPRESSED);
        assertThat(limiter.tryAcquire("backend-a")).isEqualTo(SUPPRESSED);

        assertThat(limiter.tryAcquire("backend-b")).as("a new key is not held back by another").isZero();
        assertThat(limiter.tryAcquire(IllegalStateException.class)).isZero();

        advanceMillis(100);
        assertThat(limiter.tryAcquire("backend-a")).isEqualTo(2);
        assertThat(limiter.tryAcquire("backend-b")).isZero();
    }

    @Test
    void keysBeyondMaximumShareOneWindow() {
        LogRateLimiter limiter = limiter(100, 2);
        assertThat(limiter.tryAcquire("a")).isZero();
        assertThat(limiter.tryAcquire("b")).isZero();

        assertThat(limiter.tryAcquire("c")).as("first key in the overflow window").isZero();
        assertThat(limiter.tryAcquire("d")).as("shares the window of c").isEqualTo(SUPPRESSED);
        assertThat(limiter.tryAcquire("a")).as("keys with a window keep it").isEqualTo(SUPPRESSED);

        advanceMillis(100);
        assertThat(limiter.tryAcquire("e")).isEqualTo(1);
    }

    @Test
    void clockPastLongOverflowStillWaitsForInterval() {
        nanos.set(Long.MAX_VALUE - TimeUnit.MILLISECONDS.toNanos(50));
        LogRateLimiter limiter = limiter(100, 10);
        assertThat(limiter.tryAcquire("key")).isZero();

        advanceMillis(99);
        assertThat(nanos.get()).as("the clock wrapped around").isNegative();
        assertThat(limiter.tryAcquire("key")).isEqualTo(SUPPRESSED);

        advanceMillis(1);
        assertThat(limiter.tryAcquire("key")).isEqualTo(1);
    }

    @Test
    void systemClockLimiterSuppressesImmediateRepeat() {
        LogRateLimiter limiter = new LogRateLimiter(1, TimeUnit.HOURS);

        assertThat(limiter.tryAcquire("key")).isZero();
        assertThat(limiter.tryAcquire("key")).isEqualTo(SUPPRESSED);
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThatThrownBy(() -> limiter(0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be positive: 0 MILLISECONDS");
        assertThatThrownBy(() -> limiter(100, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxKeys must be positive: 0");
        assertThatThrownBy(() -> limiter(100, 10).tryAcquire(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("key");
    }

    @Test
    void concurrentCallersLetOneLinePerKeyThrough() throws Exception {
        LogRateLimiter limiter = limiter(60_000, 10);
        int threads = 8;
        int callsPerThread = 2_000;
        String[] keys = {"a", "b"};
        AtomicLong passed = new AtomicLong();
        AtomicLong reportedSuppressed = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < callsPerThread; i++) {
                    long result = limiter.tryAcquire(keys[i % keys.length]);
                    if (result != SUPPRESSED) {
                        passed.incrementAndGet();
                        reportedSuppressed.addAndGet(result);
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(worker.isAlive()).as("worker finished").isFalse();
        }

        advanceMillis(60_000);

        // A call suppressed while the winning thread is between its compare-and-set and its read of the
        // count is reported by that winner instead of by the next line, so only the total is exact.
        long suppressedCalls = (long) threads * callsPerThread - keys.length;
        assertThat(passed.get()).as("one line per key").isEqualTo(keys.length);
        long reportedLater = limiter.tryAcquire("a") + limiter.tryAcquire("b");
        assertThat(reportedSuppressed.get() + reportedLater).as("suppressed calls reported").isEqualTo(suppressedCalls);
    }

    @Test
    void suppressedCallsAllocateNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot count allocated bytes");
        LogRateLimiter limiter = new LogRateLimiter(1, TimeUnit.HOURS);
        String key = "key";
        int calls = 200_000;
        long suppressed = 0;
        for (int i = 0; i < calls; i++) {
            suppressed += limiter.tryAcquire(key) == SUPPRESSED ? 1 : 0;
        }

        long threadId = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < calls; i++) {
            suppressed += limiter.tryAcquire(key) == SUPPRESSED ? 1 : 0;
        }
        long allocatedBytes = threads.getThreadAllocatedBytes(threadId) - before;

        assertThat(suppressed).isEqualTo(2L * calls - 1);
        // One 16-byte object per call would add up to 3.2 MB; the slack covers the measuring calls themselves.
        assertThat(allocatedBytes).isLessThan(16 * 1024);
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
