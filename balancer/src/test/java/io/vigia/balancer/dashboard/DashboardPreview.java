package io.vigia.balancer.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigia.core.ErrorCause;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.ErrorStatsJson;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves the dashboard on 127.0.0.1 with made-up, changing data, for looking at the page in a browser
 * without a balancer or backends. Not a test.
 *
 * <p>Run from {@code balancer/} after {@code mvn test-compile}:
 * {@code java -cp target/test-classes:target/classes:<dependencies> io.vigia.balancer.dashboard.DashboardPreview
 * [port] [seconds]}. The port defaults to 0 (any free port, printed at start) and the server stops by itself
 * after {@code seconds}, 300 by default.
 */
final class DashboardPreview {

    private static final List<String> BACKENDS = List.of("127.0.0.1:5001", "127.0.0.1:5002", "127.0.0.1:5003");
    private static final int[] STATUSES = {400, 404, 404, 404, 500, 502, 503, 504};
    private static final String[] PATHS = {"/api/tasks/999", "/<script>alert(1)</script>", "/api/orders?id=7&x=\"y\"",
        "/health", "/api/users/42"};

    private final ErrorMonitor monitor = new ErrorMonitor(10);
    private final AtomicLong version = new AtomicLong();
    private final Instant startedAt = Instant.now();
    private final long[] requests = new long[BACKENDS.size()];
    private final long[] errors = new long[BACKENDS.size()];
    private final Instant[] since = {startedAt, startedAt, startedAt};
    private final String[] states = {"UP", "UP", "UP"};
    private final Random random = new Random(7);

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 300;
        DashboardPreview preview = new DashboardPreview();
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        DashboardSnapshotSource source = DashboardSnapshotSource.of(preview::status,
                () -> ErrorStatsJson.toTree(preview.monitor.snapshot()), preview.version::get);
        try (DashboardTestServer server = DashboardTestServer.start(source, port)) {
            traffic.scheduleAtFixedRate(preview::simulate, 0, 200, TimeUnit.MILLISECONDS);
            System.out.println("dashboard preview at http://127.0.0.1:" + server.port() + "/dashboard for "
                    + seconds + " s");
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        } finally {
            traffic.shutdownNow();
        }
    }

    private synchronized void simulate() {
        for (int i = 0; i < BACKENDS.size(); i++) {
            if (!states[i].equals("UP")) {
                continue;
            }
            requests[i] += 1 + random.nextInt(5);
            if (random.nextInt(4) == 0) {
                int status = STATUSES[random.nextInt(STATUSES.length)];
                errors[i]++;
                monitor.record(status, random.nextBoolean() ? "GET" : "POST", PATHS[random.nextInt(PATHS.length)],
                        status >= 500 ? "upstream said \"no\" <b>twice</b>" : null, BACKENDS.get(i),
                        status == 502 ? ErrorCause.CONNECTION_RESET : null);
            }
        }
        if (random.nextInt(60) == 0) {
            if (states[2].equals("UP")) {
                states[2] = random.nextBoolean() ? "DOWN" : "EJECTED";
            } else {
                states[2] = "UP";
            }
            since[2] = Instant.now();
        }
        version.incrementAndGet();
    }

    private synchronized ObjectNode status() {
        ObjectNode status = ErrorStatsJson.MAPPER.createObjectNode();
        status.put("listen", "127.0.0.1:8080");
        status.put("started_at", startedAt.toString());
        status.put("uptime_seconds", Instant.now().getEpochSecond() - startedAt.getEpochSecond());
        ArrayNode backends = status.putArray("backends");
        for (int i = 0; i < BACKENDS.size(); i++) {
            ObjectNode backend = backends.addObject();
            backend.put("id", BACKENDS.get(i));
            backend.put("state", states[i]);
            backend.put("since", since[i].toString());
            ObjectNode probe = backend.putObject("last_probe");
            boolean up = states[i].equals("UP");
            probe.put("time", Instant.now().minusMillis(random.nextInt(2000)).toString());
            probe.put("ok", up);
            probe.put("latency_ms", up ? 0.4 + random.nextInt(20) / 10.0 : 1000.0);
            if (up) {
                probe.put("status", 200);
                probe.putNull("error");
            } else {
                probe.putNull("status");
                probe.put("error", "connection refused");
            }
            backend.put("requests", requests[i]);
            backend.put("errors", errors[i]);
        }
        status.put("total_errors", monitor.totalErrors());
        return status;
    }
}
