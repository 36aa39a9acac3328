package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000);

    @Test
    void firstEventPassesThenOnePerInterval() {
        LogRateLimiter limiter = new LogRateLimiter(100, nanos::get);

        assertThat(limiter.tryAcquire()).isZero();
        assertThat(limiter.tryAcquire()).isEqualTo(LogRateLimiter.HELD_BACK);
        advanceMillis(99);
        assertThat(limiter.tryAcquire()).isEqualTo(LogRateLimiter.HELD_BACK);
        advanceMillis(1);
        assertThat(limiter.tryAcquire()).as("events held back since the last pass").isEqualTo(2);
        assertThat(limiter.tryAcquire()).isEqualTo(LogRateLimiter.HELD_BACK);
    }

    @Test
    void nonPositiveIntervalIsRejected() {
        assertThatThrownBy(() -> new LogRateLimiter(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("intervalMillis must be positive: 0");
    }

    @Test
    void concurrentCallersLetExactlyOneThroughPerInterval() throws Exception {
        LogRateLimiter limiter = new LogRateLimiter(60_000, nanos::get);
        int threads = 8;
        int callsPerThread = 1_000;
        AtomicLong passed = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < callsPerThread; i++) {
                        if (limiter.tryAcquire() != LogRateLimiter.HELD_BACK) {
                            passed.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }).start();
        }
        start.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

        advanceMillis(60_000);

        assertThat(passed.get()).isEqualTo(1);
        assertThat(limiter.tryAcquire()).isEqualTo((long) threads * callsPerThread - 1);
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
