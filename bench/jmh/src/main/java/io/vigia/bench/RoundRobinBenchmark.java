package io.vigia.bench;

import io.vigia.balancer.selection.RoundRobinSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the balancer's {@link RoundRobinSelector}: one shared atomic counter over an immutable list of
 * backends, from 1 and 2 threads, plus the retry form that skips a backend which already failed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RoundRobinBenchmark {

    /** Number of healthy backends in the list. */
    @Param({"2", "8"})
    int backendCount;

    private RoundRobinSelector<String> selector;
    private Predicate<String> skipFirstBackend;

    @Setup(Level.Trial)
    public void createSelector() {
        List<String> backends = new ArrayList<>(backendCount);
        for (int i = 0; i < backendCount; i++) {
            backends.add("127.0.0.1:" + (5001 + i));
        }
        selector = new RoundRobinSelector<>();
        selector.setCandidates(backends);
        String failed = backends.get(0);
        skipFirstBackend = failed::equals;
    }

    @Benchmark
    @Threads(1)
    public String select1Thread() {
        return selector.next();
    }

    @Benchmark
    @Threads(2)
    public String select2Threads() {
        return selector.next();
    }

    /** Selects as a retry does, skipping the backend that failed (here always the first one). */
    @Benchmark
    @Threads(1)
    public String selectSkipping1Thread() {
        return selector.next(skipFirstBackend);
    }
}
