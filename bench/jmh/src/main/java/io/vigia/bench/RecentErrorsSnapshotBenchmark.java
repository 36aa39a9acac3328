package io.vigia.bench;

import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.ErrorRecord;
import io.vigia.core.ErrorStats;
import io.vigia.core.RecentErrors;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures the read side: {@link RecentErrors#snapshot()} on a full ring, and {@link ErrorMonitor#snapshot()},
 * which adds the per-bucket counts and is what {@code GET /errors/stats} reads before serializing.
 *
 * <p>Nothing writes during the measurement, so every slot passes the stamp check and each snapshot
 * returns exactly {@code capacity} records. Both reads allocate by design (one {@link ErrorRecord} per
 * entry plus the list and map), so B/op here is expected to grow with {@code capacity}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RecentErrorsSnapshotBenchmark {

    private static final int[] STATUSES = {400, 404, 500, 502, 503, 504};

    /** Number of records the ring keeps. 10 is the default, as in the original course system. */
    @Param({"10", "100"})
    int capacity;

    private RecentErrors ring;
    private ErrorMonitor monitor;

    @Setup(Level.Trial)
    public void fill() {
        ring = new RecentErrors(capacity);
        monitor = new ErrorMonitor(capacity);
        // Two laps, so every slot the snapshot reads has been overwritten once.
        for (int i = 0; i < 2 * capacity; i++) {
            int status = STATUSES[i % STATUSES.length];
            ring.record(1_700_000_000_000L + i, status, "GET", "/missing", "Not Found", "127.0.0.1:5001",
                    ErrorCause.CONNECT_REFUSED);
            monitor.record(status, "GET", "/missing", "Not Found", "127.0.0.1:5001", null);
        }
    }

    @Benchmark
    public List<ErrorRecord> recentErrorsSnapshot() {
        return ring.snapshot();
    }

    @Benchmark
    public ErrorStats errorMonitorSnapshot() {
        return monitor.snapshot();
    }
}
