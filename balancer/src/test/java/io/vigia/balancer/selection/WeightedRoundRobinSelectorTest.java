package io.vigia.balancer.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinSelectorTest {

    private static Backend backend(String host, int weight) {
        Backend backend = new Backend(0, host, 80, InetSocketAddress.createUnresolved(host, 80), BackendState.UP, 0);
        backend.setWeight(weight);
        return backend;
    }

    private static String picks(WeightedRoundRobinSelector selector, List<Backend> healthy, int count) {
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < count; i++) {
            order.append(selector.select(healthy, backend -> false).host());
        }
        return order.toString();
    }

    @Test
    void followsSmoothWeightedOrder() {
        List<Backend> healthy = List.of(backend("a", 5), backend("b", 1), backend("c", 1));

        String order = picks(new WeightedRoundRobinSelector(), healthy, 14);

        assertThat(order).isEqualTo("aabacaa" + "aabacaa");
    }

    @Test
    void equalWeightsAlternate() {
        List<Backend> healthy = List.of(backend("a", 2), backend("b", 2));

        assertThat(picks(new WeightedRoundRobinSelector(), healthy, 6)).isEqualTo("ababab");
    }

    @Test
    void skippedBackendIsNeverChosen() {
        List<Backend> healthy = List.of(backend("a", 5), backend("b", 1));
        WeightedRoundRobinSelector selector = new WeightedRoundRobinSelector();

        for (int i = 0; i < 20; i++) {
            assertThat(selector.select(healthy, backend -> backend.host().equals("a")).host()).isEqualTo("b");
        }
        assertThat(selector.select(healthy, backend -> true)).isNull();
        assertThat(selector.select(List.of(), backend -> false)).isNull();
    }

    @Test
    void weightChangeTakesEffectOnNextRound() {
        Backend a = backend("a", 1);
        List<Backend> healthy = List.of(a, backend("b", 1));
        WeightedRoundRobinSelector selector = new WeightedRoundRobinSelector();
        picks(selector, healthy, 2);

        a.setWeight(3);

        assertThat(picks(selector, healthy, 8)).isEqualTo("aabaaaba");
    }

    @Test
    void concurrentPicksKeepExactShares() throws Exception {
        List<Backend> healthy = List.of(backend("a", 5), backend("b", 1), backend("c", 1));
        WeightedRoundRobinSelector selector = new WeightedRoundRobinSelector();
        Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        int threads = 4;
        int picksPerThread = 7_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < picksPerThread; i++) {
                        String host = selector.select(healthy, backend -> false).host();
                        counts.computeIfAbsent(host, key -> new LongAdder()).increment();
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // Every pick runs under the selector's lock, so 28000 picks are exactly 4000 rounds of a a b a c a a.
        assertThat(counts.get("a").sum()).isEqualTo(20_000);
        assertThat(counts.get("b").sum()).isEqualTo(4_000);
        assertThat(counts.get("c").sum()).isEqualTo(4_000);
    }
}
