package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the deadline list on a real event loop with short timeouts, so every callback runs on its timer. */
class ResponseDeadlinesTest {

    private static final long TIMEOUT_MILLIS = 150;

    private final EventLoop loop = new DefaultEventLoop();
    private final ResponseDeadlines deadlines = new ResponseDeadlines(loop, TIMEOUT_MILLIS);
    private final List<String> expired = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void startedDeadlineExpiresAfterTimeout() throws Exception {
        Named waiter = new Named("a");
        long startNanos = System.nanoTime();

        onLoop(() -> deadlines.start(waiter));
        Await.until("deadline a to expire", Duration.ofSeconds(5), () -> !expired.isEmpty());

        assertThat(expired).containsExactly("a");
        assertThat(System.nanoTime() - startNanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS));
        assertThat(onLoop(() -> ResponseDeadlines.isWaiting(waiter))).isFalse();
    }

    @Test
    void stoppedDeadlineNeverExpires() throws Exception {
        Named stopped = new Named("stopped");
        Named marker = new Named("marker");

        onLoop(() -> {
            deadlines.start(stopped);
            deadlines.stop(stopped);
        });
        Thread.sleep(TIMEOUT_MILLIS / 2);
        onLoop(() -> deadlines.start(marker));
        Await.until("the later deadline to expire", Duration.ofSeconds(5), () -> !expired.isEmpty());

        assertThat(expired).containsExactly("marker");
    }

    @Test
    void deadlinesExpireInStartOrder() throws Exception {
        onLoop(() -> {
            deadlines.start(new Named("first"));
            deadlines.start(new Named("second"));
            deadlines.start(new Named("third"));
        });
        Await.until("three deadlines to expire", Duration.ofSeconds(5), () -> expired.size() == 3);

        assertThat(expired).containsExactly("first", "second", "third");
    }

    @Test
    void restartMovesDeadlineBehindLaterOnes() throws Exception {
        Named restarted = new Named("restarted");
        Named other = new Named("other");

        onLoop(() -> {
            deadlines.start(restarted);
            deadlines.start(other);
            deadlines.start(restarted);
        });
        Await.until("both deadlines to expire", Duration.ofSeconds(5), () -> expired.size() == 2);

        assertThat(expired).containsExactly("other", "restarted");
    }

    @Test
    void stoppingFirstKeepsLaterDeadlineRunning() throws Exception {
        Named first = new Named("first");
        Named middle = new Named("middle");
        Named last = new Named("last");

        onLoop(() -> {
            deadlines.start(first);
            deadlines.start(middle);
            deadlines.start(last);
            deadlines.stop(first);
            deadlines.stop(middle);
        });
        Await.until("the last deadline to expire", Duration.ofSeconds(5), () -> !expired.isEmpty());
        Thread.sleep(TIMEOUT_MILLIS);

        assertThat(expired).containsExactly("last");
    }

    @Test
    void callbackMayStartAnotherDeadline() throws Exception {
        Named second = new Named("second");
        Named first = new Named("first") {
            @Override
            void onResponseTimeout() {
                super.onResponseTimeout();
                deadlines.start(second);
            }
        };

        onLoop(() -> deadlines.start(first));
        Await.until("the deadline started by a callback to expire", Duration.ofSeconds(5),
                () -> expired.size() == 2);

        assertThat(expired).containsExactly("first", "second");
    }

    private void onLoop(Runnable action) throws Exception {
        onLoop(() -> {
            action.run();
            return null;
        });
    }

    private <T> T onLoop(Callable<T> action) throws Exception {
        return loop.submit(action).get(5, TimeUnit.SECONDS);
    }

    /** Records its name when its deadline expires. */
    private class Named extends ResponseDeadlines.Waiter {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        void onResponseTimeout() {
            assertThat(loop.inEventLoop()).isTrue();
            expired.add(name);
        }
    }
}
