package io.vigia.bench;

import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.RecentErrors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures {@link ErrorMonitor#record}: one counter increment plus one write into the recent-errors ring,
 * from 1, 2 and 4 threads sharing one monitor, as event loops of one balancer process do.
 *
 * <p>Each thread cycles through a fixed set of error responses whose strings are constants, so any
 * allocation that {@code -prof gc} reports comes from the monitor itself. With more threads than CPU
 * cores the operating system preempts writers in the middle of a record, which is the case the ring's
 * fallback path handles.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ErrorMonitorRecordBenchmark {

    private static final int[] STATUSES = {404, 500, 502, 503, 400, 504, 429, 404};
    private static final String[] PATHS = {"/missing", "/orders/42", "/api/items", "/status", "/login",
            "/reports", "/search?q=x", "/favicon.ico"};
    private static final String[] MESSAGES = {"Not Found", "Internal Error", "connection refused",
            "no healthy backend", "bad request line", "response timed out", "rate limited", "Not Found"};
    private static final ErrorCause[] CAUSES = {null, null, ErrorCause.CONNECT_REFUSED,
            ErrorCause.NO_HEALTHY_BACKEND, ErrorCause.MALFORMED_REQUEST, ErrorCause.RESPONSE_TIMEOUT, null, null};
    private static final String[] UPSTREAMS = {"127.0.0.1:5001", "127.0.0.1:5002"};

    private ErrorMonitor monitor;

    /** Per-thread position in the set of error responses, so threads do not share a cursor. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            int current = next;
            next = (current + 1) & (STATUSES.length - 1);
            return current;
        }
    }

    @Setup(Level.Trial)
    public void createMonitor() {
        monitor = new ErrorMonitor(RecentErrors.DEFAULT_CAPACITY);
    }

    @Benchmark
    @Threads(1)
    public void record1Thread(Cursor cursor) {
        recordNext(cursor);
    }

    @Benchmark
    @Threads(2)
    public void record2Threads(Cursor cursor) {
        recordNext(cursor);
    }

    @Benchmark
    @Threads(4)
    public void record4Threads(Cursor cursor) {
        recordNext(cursor);
    }

    private void recordNext(Cursor cursor) {
        int i = cursor.advance();
        monitor.record(STATUSES[i], "GET", PATHS[i], MESSAGES[i], UPSTREAMS[i & 1], CAUSES[i]);
    }
}
