package io.vigia.balancer.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigia.core.ErrorStatsJson;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A snapshot source for tests: a balancer with two backends whose total error count and version the test
 * sets. Thread-safe, because the hub and the server's event loops call it.
 */
final class FakeSnapshotSource implements DashboardSnapshotSource {

    private final AtomicLong version = new AtomicLong(1);
    private final AtomicLong totalErrors = new AtomicLong();
    private final AtomicInteger snapshotCalls = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();

    /** Records one more error and changes the version. */
    void addError() {
        totalErrors.incrementAndGet();
        version.incrementAndGet();
    }

    void setFailing(boolean fail) {
        failing.set(fail);
    }

    int snapshotCalls() {
        return snapshotCalls.get();
    }

    long totalErrors() {
        return totalErrors.get();
    }

    @Override
    public long version() {
        return version.get();
    }

    @Override
    public ObjectNode snapshot() {
        snapshotCalls.incrementAndGet();
        if (failing.get()) {
            throw new IllegalStateException("fake snapshot failure");
        }
        long errors = totalErrors.get();
        ObjectNode root = ErrorStatsJson.MAPPER.createObjectNode();
        root.set("status", status(errors));
        root.set("errors", errorStats(errors));
        root.put("time", "2026-01-02T03:04:05.678Z");
        return root;
    }

    private static ObjectNode status(long errors) {
        ObjectNode status = ErrorStatsJson.MAPPER.createObjectNode();
        status.put("listen", "127.0.0.1:8080");
        status.put("started_at", "2026-01-02T03:00:00.000Z");
        status.put("uptime_seconds", 245);
        ArrayNode backends = status.putArray("backends");
        backends.add(backend("127.0.0.1:5001", "UP", 40, errors));
        backends.add(backend("127.0.0.1:5002", "DOWN", 12, 0));
        status.put("total_errors", errors);
        return status;
    }

    private static ObjectNode backend(String id, String state, long requests, long errors) {
        ObjectNode backend = ErrorStatsJson.MAPPER.createObjectNode();
        backend.put("id", id);
        backend.put("state", state);
        backend.put("since", "2026-01-02T03:00:00.000Z");
        ObjectNode probe = backend.putObject("last_probe");
        probe.put("time", "2026-01-02T03:04:05.000Z");
        probe.put("ok", state.equals("UP"));
        probe.put("latency_ms", 0.8);
        probe.put("status", 200);
        probe.putNull("error");
        backend.put("requests", requests);
        backend.put("errors", errors);
        return backend;
    }

    private static ObjectNode errorStats(long errors) {
        ObjectNode stats = ErrorStatsJson.MAPPER.createObjectNode();
        stats.put("total_errors", errors);
        ObjectNode types = stats.putObject("error_types");
        ArrayNode recent = stats.putArray("recent_errors");
        if (errors > 0) {
            types.put("404_NOT_FOUND", errors);
            ObjectNode record = recent.addObject();
            record.put("sequence", errors - 1);
            record.put("timestamp", "2026-01-02T03:04:05.600Z");
            record.put("type", "404_NOT_FOUND");
            record.put("status", 404);
            record.put("message", "line one\nline two \"quoted\"");
            record.put("method", "GET");
            record.put("endpoint", "/<script>alert(1)</script>");
            record.put("upstream", "127.0.0.1:5001");
            record.putNull("cause");
        }
        return stats;
    }
}
