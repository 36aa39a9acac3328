package io.vigia.balancer.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PerBackendTest {

    @Test
    void createsOneValuePerBackend() {
        AtomicInteger created = new AtomicInteger();
        PerBackend<String> values = new PerBackend<>(backend -> backend.id() + "#" + created.incrementAndGet());
        Backend first = backend(0);
        Backend added = backend(7);

        String firstValue = values.get(first);
        String addedValue = values.get(added);

        assertThat(firstValue).isEqualTo(first.id() + "#1");
        assertThat(addedValue).isEqualTo(added.id() + "#2");
        assertThat(values.get(first)).isSameAs(firstValue);
        assertThat(values.get(added)).isSameAs(addedValue);
        assertThat(created).hasValue(2);
    }

    @Test
    void concurrentFirstUseSharesOneValue() throws Exception {
        AtomicInteger created = new AtomicInteger();
        PerBackend<Object> values = new PerBackend<>(backend -> {
            created.incrementAndGet();
            return new Object();
        });
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            backends.add(backend(i));
        }
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Object>>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            seen.add(pool.submit(() -> {
                start.await();
                List<Object> found = new ArrayList<>();
                for (Backend backend : backends) {
                    found.add(values.get(backend));
                }
                return found;
            }));
        }

        start.countDown();
        List<Object> reference = seen.get(0).get(30, TimeUnit.SECONDS);
        for (Future<List<Object>> other : seen) {
            List<Object> found = other.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < backends.size(); i++) {
                assertThat(found.get(i)).as("value of backend %d", i).isSameAs(reference.get(i));
            }
        }
        pool.shutdownNow();

        assertThat(created).hasValue(backends.size());
    }

    private static Backend backend(int index) {
        return new Backend(index, "127.0.0.1", 6000 + index, new InetSocketAddress("127.0.0.1", 6000 + index),
                BackendState.UP, 0);
    }
}
