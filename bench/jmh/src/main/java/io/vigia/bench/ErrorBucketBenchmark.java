package io.vigia.bench;

import io.vigia.core.ErrorBucket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Measures {@link ErrorBucket#of(int)} over a spread of statuses: successes and redirects (no bucket),
 * registered and unregistered 4xx and 5xx codes, a 6xx code and out-of-range values.
 *
 * <p>One invocation classifies every status in the set, and the score is divided by the set size, so
 * ns/op is the cost of one classification, including one {@link Blackhole#consume} call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ErrorBucketBenchmark {

    private static final int STATUS_COUNT = 16;

    // Not final and not static, so the JIT cannot fold the lookups into constants.
    private int[] statuses = {200, 204, 301, 304, 400, 401, 404, 418, 429, 499, 500, 502, 503, 599, 999, 1000};

    @Benchmark
    @OperationsPerInvocation(STATUS_COUNT)
    public void classifySpread(Blackhole blackhole) {
        for (int status : statuses) {
            blackhole.consume(ErrorBucket.of(status));
        }
    }
}
