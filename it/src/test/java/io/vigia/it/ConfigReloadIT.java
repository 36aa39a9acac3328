package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A balancer process started with {@code --config} re-reads its file on SIGHUP: a valid file changes the
 * backend list that {@code /status} shows and traffic reaches, and an invalid one changes nothing and is
 * logged with its reason.
 */
class ConfigReloadIT {

    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(15);
    private static final int WARM_UP_REQUESTS = 20;
    private static final int REQUESTS_AFTER_RELOAD = 6;

    @TempDir
    Path directory;

    private final Http http = new Http();
    private final List<JavaProcess> started = new ArrayList<>();
    private final List<String> backendIds = new ArrayList<>();
    private JavaProcess balancer;
    private int balancerPort;

    @AfterEach
    void stopProcesses() {
        try {
            provokeLeakReports();
        } finally {
            for (JavaProcess process : started) {
                process.stop();
            }
        }
        for (JavaProcess process : started) {
            assertThat(process.leakReports()).as("leak reports of %s", process).isEmpty();
        }
    }

    @Test
    void sighupReloadsAndRejectsInvalidFile() throws IOException {
        startBackend();
        startBackend();
        Path config = directory.resolve("vigia.yaml");
        writeConfig(config, "{address: \"" + backendIds.get(0) + "\"}");
        balancer = track(JavaProcess.start("reload-balancer", Cluster.BALANCER_MAIN,
                List.of("--config", config.toString(), "--lang", "en")));
        balancerPort = balancer.awaitListeningPort(Cluster.START_TIMEOUT);
        awaitStatus("the first backend UP", List.of(backendIds.get(0)));

        writeConfig(config, "{address: \"" + backendIds.get(0) + "\"}, {address: \"" + backendIds.get(1) + "\"}");
        balancer.signal("HUP");

        awaitStatus("both backends UP after SIGHUP", backendIds);
        assertThat(upstreamsOf(REQUESTS_AFTER_RELOAD)).containsExactlyInAnyOrderElementsOf(backendIds);
        assertThat(balancer.output()).contains("configuration reload requested by SIGHUP", "configuration reloaded");

        writeConfig(config, "{address: \"" + backendIds.get(0) + "\", weight: 0}");
        balancer.signal("HUP");

        Await.until("the rejected reload in the log", RELOAD_TIMEOUT,
                () -> balancer.output().contains("configuration reload rejected"));
        String rejection = balancer.output().lines().filter(line -> line.contains("configuration reload rejected"))
                .findFirst().orElseThrow();
        assertThat(rejection).contains("WARN", "keeping the running configuration", config.toString(),
                "backends[0].weight", "'0'");
        assertThat(statusIds()).containsExactlyElementsOf(backendIds);
        assertThat(upstreamsOf(REQUESTS_AFTER_RELOAD)).containsExactlyInAnyOrderElementsOf(backendIds);
    }

    /** Writes a configuration with short health probes and {@code backendEntries} as its backend list. */
    private static void writeConfig(Path file, String backendEntries) throws IOException {
        Files.writeString(file, "listen: {host: 127.0.0.1, port: 0}\n"
                + "backends: [" + backendEntries + "]\n"
                + "health-check: {interval-ms: " + Cluster.PROBE_INTERVAL_MILLIS
                + ", timeout-ms: " + Cluster.PROBE_TIMEOUT_MILLIS
                + ", rise: " + Cluster.RISE + ", fall: " + Cluster.FALL + "}\n");
    }

    /** Starts a backend process on a free port, warms it up and adds its id to {@link #backendIds}. */
    private void startBackend() {
        int index = backendIds.size() + 1;
        JavaProcess backend = track(JavaProcess.start("reload-backend" + index, Cluster.BACKEND_MAIN,
                List.of("0", "--host", "127.0.0.1", "--db", directory.resolve("tasks.db").toString())));
        int port = backend.awaitListeningPort(Cluster.START_TIMEOUT);
        // A cold JVM can miss the 500 ms probe timeout on its first requests, which would take it DOWN.
        for (int i = 0; i < WARM_UP_REQUESTS; i++) {
            assertThat(http.get(URI.create("http://127.0.0.1:" + port + "/health")).statusCode()).isEqualTo(200);
        }
        backendIds.add("127.0.0.1:" + port);
    }

    /** Waits until {@code /status} lists exactly {@code expected}, in that order, every one UP. */
    private void awaitStatus(String description, List<String> expected) {
        Await.until(description + " in /status", RELOAD_TIMEOUT, () -> {
            JsonNode backends = http.getJson(balancerUri("/status")).path("backends");
            List<String> up = new ArrayList<>();
            for (JsonNode backend : backends) {
                if ("UP".equals(backend.path("state").asText())) {
                    up.add(backend.path("id").asText());
                }
            }
            return backends.size() == expected.size() && up.equals(expected);
        });
    }

    private List<String> statusIds() {
        List<String> ids = new ArrayList<>();
        for (JsonNode backend : http.getJson(balancerUri("/status")).path("backends")) {
            ids.add(backend.path("id").asText());
        }
        return ids;
    }

    /** Sends {@code count} requests for a backend page and returns the backends that served them. */
    private Set<String> upstreamsOf(int count) {
        Set<String> upstreams = new HashSet<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = http.get(balancerUri("/info"));
            assertThat(response.statusCode()).as("GET /info through the balancer").isEqualTo(200);
            upstreams.add(response.headers().firstValue("X-Upstream-Server").orElse("none"));
        }
        return upstreams;
    }

    private URI balancerUri(String path) {
        return URI.create("http://127.0.0.1:" + balancerPort + path);
    }

    private JavaProcess track(JavaProcess process) {
        started.add(process);
        return process;
    }

    /**
     * Collects garbage in each live process and sends a few requests through it, so that Netty's leak
     * detectors log any buffer that was collected without being released.
     */
    private void provokeLeakReports() {
        for (JavaProcess process : started) {
            process.collectGarbage();
        }
        try {
            for (int i = 0; i < 4 && balancer != null && balancer.isAlive(); i++) {
                http.get(balancerUri("/errors/stats"));
                http.get(balancerUri("/info"));
            }
        } catch (UncheckedIOException e) {
            throw new AssertionError("the balancer stopped answering before the leak check", e);
        }
    }
}
