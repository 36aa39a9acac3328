package io.vigia.balancer.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RoundRobinSelectorTest {

    @Test
    void picksCandidatesInTurn() {
        RoundRobinSelector<String> selector = new RoundRobinSelector<>();
        selector.setCandidates(List.of("a", "b", "c"));

        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            picks.add(selector.next());
        }

        assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void emptyListGivesNull() {
        RoundRobinSelector<String> selector = new RoundRobinSelector<>();

        assertThat(selector.next()).isNull();
        assertThat(selector.next(candidate -> false)).isNull();
    }

    @Test
    void skipsRejectedCandidates() {
        RoundRobinSelector<String> selector = new RoundRobinSelector<>();
        selector.setCandidates(List.of("a", "b", "c"));

        assertThat(selector.next(candidate -> !candidate.equals("c"))).isEqualTo("c");
        assertThat(selector.next(candidate -> true)).isNull();
    }

    @Test
    void copiesCandidateList() {
        RoundRobinSelector<String> selector = new RoundRobinSelector<>();
        List<String> source = new ArrayList<>(List.of("a"));
        selector.setCandidates(source);
        source.add("b");

        assertThat(selector.candidates()).containsExactly("a");
    }

    @Test
    void slotStaysInRangeAcrossOverflow() {
        RoundRobinSelector<String> selector = new RoundRobinSelector<>(Integer.MAX_VALUE - 3);
        selector.setCandidates(List.of("a", "b", "c"));

        for (int i = 0; i < 10; i++) {
            assertThat(selector.next()).isIn("a", "b", "c");
        }
        assertThat(RoundRobinSelector.slot(Integer.MIN_VALUE, 3)).isBetween(0, 2);
        assertThat(RoundRobinSelector.slot(-1, 3)).isBetween(0, 2);
        assertThat(RoundRobinSelector.slot(Integer.MAX_VALUE, 7)).isBetween(0, 6);
    }

    @Test
    void concurrentPicksAreEven() throws Exception {
        RoundRobinSelector<String> selector = new RoundRobinSelector<>();
        selector.setCandidates(List.of("a", "b", "c"));
        int threads = 6;
        int picksPerThread = 30_000;
        Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch startLine = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    startLine.await();
                    for (int i = 0; i < picksPerThread; i++) {
                        counts.computeIfAbsent(selector.next(), key -> new AtomicLong()).incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            worker.start();
            workers.add(worker);
        }

        startLine.countDown();
        for (Thread worker : workers) {
            worker.join(30_000);
        }

        assertThat(failure.get()).isNull();
        long expected = (long) threads * picksPerThread / 3;
        assertThat(counts.get("a").get()).isEqualTo(expected);
        assertThat(counts.get("b").get()).isEqualTo(expected);
        assertThat(counts.get("c").get()).isEqualTo(expected);
    }

    @Test
    void concurrentPicksSurviveOverflowAndListSwaps() throws Exception {
        RoundRobinSelector<String> selector = new RoundRobinSelector<>(Integer.MAX_VALUE - 50_000);
        List<String> small = List.of("a");
        List<String> large = List.of("a", "b", "c", "d", "e");
        selector.setCandidates(large);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong picks = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread reader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        String pick = selector.next();
                        if (pick == null || !large.contains(pick)) {
                            throw new AssertionError("picked " + pick);
                        }
                        picks.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            reader.start();
            readers.add(reader);
        }

        long deadline = System.nanoTime() + 5_000_000_000L;
        for (int swap = 0; picks.get() < 200_000 && System.nanoTime() < deadline; swap++) {
            selector.setCandidates(swap % 2 == 0 ? small : large);
            Thread.onSpinWait();
        }
        stop.set(true);
        for (Thread reader : readers) {
            reader.join(10_000);
        }

        assertThat(failure.get()).isNull();
        assertThat(picks.get()).isGreaterThan(50_000);
    }
}
