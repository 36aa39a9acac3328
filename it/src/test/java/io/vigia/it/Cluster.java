package io.vigia.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Two backend processes sharing one SQLite file and a balancer process in front of them, all on ephemeral
 * loopback ports, with short health probes so that state changes show within a second or two.
 *
 * <p>{@link #close()} stops every process it started and then fails if any of them reported a Netty leak.
 * Used by the test thread; {@link #balancerUri} and {@link #backendUri} may be called from client threads.
 */
final class Cluster implements AutoCloseable {

    static final String BACKEND_MAIN = "io.vigia.backend.BackendServer";
    static final String BALANCER_MAIN = "io.vigia.balancer.Balancer";

    static final int BACKEND_COUNT = 2;
    static final long PROBE_INTERVAL_MILLIS = 150;
    static final long PROBE_TIMEOUT_MILLIS = 500;
    static final int RISE = 1;
    static final int FALL = 2;

    /** JVM start-up on a busy two-core machine takes a few seconds; this bounds it generously. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** Time to mark a dead backend DOWN: FALL failed probes, one of which may wait the probe timeout, plus margin. */
    static final Duration DOWN_DEADLINE =
            Duration.ofMillis(PROBE_INTERVAL_MILLIS * FALL + PROBE_TIMEOUT_MILLIS + 1500);
    /**
     * Time to mark a restarted backend UP again: RISE successful probes, after up to two probes that time out
     * while the new JVM warms up, plus margin.
     */
    static final Duration UP_DEADLINE =
            Duration.ofMillis((PROBE_INTERVAL_MILLIS + PROBE_TIMEOUT_MILLIS) * (RISE + 2) + 1500);

    private static final int WARM_UP_REQUESTS = 20;
    private static final int STABLE_PROBES = 2;
    private static final int LEAK_REPORT_REQUESTS = 4;

    private final String name;
    private final Path database;
    private final Http http = new Http();
    private final JavaProcess[] backends = new JavaProcess[BACKEND_COUNT];
    private final int[] backendPorts = new int[BACKEND_COUNT];
    private final List<JavaProcess> started = new ArrayList<>();
    private JavaProcess balancer;
    private int balancerPort;

    private Cluster(String name, Path directory) {
        this.name = name;
        this.database = directory.resolve("tasks.db");
    }

    /**
     * Starts both backends, then the balancer, and waits until the balancer has probed both backends successfully.
     * If anything fails, stops what already runs before throwing.
     */
    static Cluster start(String name, Path directory) {
        Cluster cluster = new Cluster(name, directory);
        try {
            cluster.startAll();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.stopAll();
            throw e;
        }
    }

    private void startAll() {
        for (int i = 0; i < BACKEND_COUNT; i++) {
            backends[i] = startBackend(i, 0);
        }
        for (int i = 0; i < BACKEND_COUNT; i++) {
            backendPorts[i] = backends[i].awaitListeningPort(START_TIMEOUT);
            warmUp(i);
        }
        balancer = track(JavaProcess.start(name + "-balancer", BALANCER_MAIN, balancerArguments()));
        balancerPort = balancer.awaitListeningPort(START_TIMEOUT);
        for (int i = 0; i < BACKEND_COUNT; i++) {
            awaitHealthy(i, START_TIMEOUT);
        }
    }

    /**
     * Sends a few health checks straight to a fresh backend. A cold JVM can take longer than the 500 ms probe
     * timeout to respond to its first requests, which would make the balancer take a healthy backend DOWN.
     */
    private void warmUp(int index) {
        for (int i = 0; i < WARM_UP_REQUESTS; i++) {
            int status = http.get(backendUri(index, "/health")).statusCode();
            if (status != 200) {
                throw new AssertionError(backendId(index) + " returned " + status + " for GET /health");
            }
        }
    }

    /**
     * Waits until the balancer has seen {@link #STABLE_PROBES} successful probes in a row for backend
     * {@code index} and shows it UP. The balancer starts with every backend assumed UP before any probe, so
     * the state alone proves nothing yet.
     */
    void awaitHealthy(int index, Duration timeout) {
        Set<String> successfulProbeTimes = new HashSet<>();
        Await.until(backendId(index) + " to pass " + STABLE_PROBES + " probes in a row", timeout, () -> {
            JsonNode backend = backendStatus(index);
            JsonNode probe = backend.path("last_probe");
            if (!probe.path("ok").asBoolean(false) || !"UP".equals(backend.path("state").asText())) {
                successfulProbeTimes.clear();
                return false;
            }
            successfulProbeTimes.add(probe.path("time").asText());
            return successfulProbeTimes.size() >= STABLE_PROBES;
        });
    }

    private JavaProcess startBackend(int index, int port) {
        List<String> arguments = List.of(Integer.toString(port), "--host", "127.0.0.1", "--db", database.toString());
        return track(JavaProcess.start(name + "-backend" + (index + 1), BACKEND_MAIN, arguments));
    }

    private List<String> balancerArguments() {
        List<String> backendAddresses = new ArrayList<>();
        for (int i = 0; i < BACKEND_COUNT; i++) {
            backendAddresses.add(backendId(i));
        }
        return List.of(
                "--host", "127.0.0.1",
                "--port", "0",
                "--backends", String.join(",", backendAddresses),
                "--probe-interval-ms", Long.toString(PROBE_INTERVAL_MILLIS),
                "--probe-timeout-ms", Long.toString(PROBE_TIMEOUT_MILLIS),
                "--rise", Integer.toString(RISE),
                "--fall", Integer.toString(FALL));
    }

    private JavaProcess track(JavaProcess process) {
        started.add(process);
        return process;
    }

    URI balancerUri(String path) {
        return URI.create("http://127.0.0.1:" + balancerPort + path);
    }

    URI backendUri(int index, String path) {
        return URI.create("http://127.0.0.1:" + backendPorts[index] + path);
    }

    /** Returns the id of backend {@code index} as the balancer shows it in /status and X-Upstream-Server. */
    String backendId(int index) {
        return "127.0.0.1:" + backendPorts[index];
    }

    /** Returns the {@code /status} entry of backend {@code index}. */
    JsonNode backendStatus(int index) {
        JsonNode status = http.getJson(balancerUri("/status"));
        for (JsonNode backend : status.path("backends")) {
            if (backendId(index).equals(backend.path("id").asText())) {
                return backend;
            }
        }
        throw new AssertionError("/status lists no backend " + backendId(index) + ": " + status);
    }

    /** Waits until {@code /status} shows backend {@code index} in {@code state}. */
    void awaitState(int index, String state, Duration timeout) {
        Await.until(backendId(index) + " to be " + state + " in /status", timeout,
                () -> state.equals(backendStatus(index).path("state").asText()));
    }

    /** Kills backend {@code index} with SIGKILL, as a crash would. */
    void killBackend(int index) {
        backends[index].kill();
    }

    /**
     * Starts backend {@code index} again on its previous port. A bind can fail for a moment after the old
     * process died, so a process that exits before listening is replaced until {@code timeout} passes.
     */
    void restartBackend(int index, Duration timeout) {
        Await.until(backendId(index) + " to listen again", timeout, () -> {
            JavaProcess process = startBackend(index, backendPorts[index]);
            Await.until(process.name() + " to listen or exit", START_TIMEOUT,
                    () -> JavaProcess.LISTENING.matcher(process.output()).find() || !process.isAlive());
            backends[index] = process;
            return process.isAlive();
        });
        warmUp(index);
    }

    /**
     * Makes every live process report leaked buffers, stops the balancer, then the backends, and fails if any
     * process started here reported a leak.
     */
    @Override
    public void close() {
        try {
            provokeLeakReports();
        } finally {
            stopAll();
        }
        List<String> leaks = new ArrayList<>();
        for (JavaProcess process : started) {
            for (String report : process.leakReports()) {
                leaks.add(process + ": " + report);
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported leaks in " + name + ":\n" + String.join("\n", leaks));
        }
    }

    /**
     * Collects garbage in each live process, then sends requests through every server so that Netty's leak
     * detectors, which check for collected unreleased buffers when they track a new one, log what they found.
     */
    private void provokeLeakReports() {
        for (JavaProcess process : started) {
            process.collectGarbage();
        }
        for (int i = 0; i < LEAK_REPORT_REQUESTS; i++) {
            for (int backend = 0; backend < BACKEND_COUNT; backend++) {
                if (backends[backend] != null && backends[backend].isAlive()) {
                    http.get(backendUri(backend, "/health"));
                }
            }
            if (balancer != null && balancer.isAlive()) {
                http.get(balancerUri("/errors/stats"));
            }
        }
    }

    private void stopAll() {
        if (balancer != null) {
            balancer.stop();
        }
        for (JavaProcess process : started) {
            process.stop();
        }
    }
}
