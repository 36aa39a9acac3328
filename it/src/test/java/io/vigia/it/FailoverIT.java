package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backend processes dying and coming back while the balancer process keeps serving. */
class FailoverIT {

    private static final int CLIENT_THREADS = 2;
    /** Upper bound on each client thread's requests, so the stream stops even if the test logic misbehaves. */
    private static final int MAX_REQUESTS_PER_THREAD = 3000;
    private static final int REQUESTS_BEFORE_KILL = 40;
    private static final int REQUESTS_AFTER_DOWN = 40;
    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private Cluster cluster;
    private final Http http = new Http();

    @BeforeEach
    void startCluster() {
        cluster = Cluster.start("failover", directory);
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killedBackendLosesNoRequests() throws InterruptedException {
        RequestStream stream = new RequestStream();
        stream.start();
        try {
            Await.until(REQUESTS_BEFORE_KILL + " requests before the kill", STREAM_TIMEOUT,
                    () -> stream.completed() >= REQUESTS_BEFORE_KILL);

            cluster.killBackend(0);
            cluster.awaitState(0, "DOWN", Cluster.DOWN_DEADLINE);
            int completedAtDown = stream.completed();
            stream.markDownObserved();
            Await.until(REQUESTS_AFTER_DOWN + " requests after DOWN", STREAM_TIMEOUT,
                    () -> stream.completed() >= completedAtDown + REQUESTS_AFTER_DOWN);
        } finally {
            stream.stop();
        }

        assertThat(stream.failures()).isEmpty();
        assertThat(stream.statuses()).hasSizeGreaterThanOrEqualTo(REQUESTS_BEFORE_KILL + REQUESTS_AFTER_DOWN);
        assertThat(stream.statuses()).containsOnly(200);
        assertThat(stream.upstreamsAfterDown()).containsOnly(cluster.backendId(1));
    }

    @Test
    void restartedBackendComesBackUp() {
        cluster.killBackend(0);
        cluster.awaitState(0, "DOWN", Cluster.DOWN_DEADLINE);

        cluster.restartBackend(0, Cluster.START_TIMEOUT);
        cluster.awaitHealthy(0, Cluster.UP_DEADLINE);

        Set<String> upstreams = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = http.get(cluster.balancerUri("/api/tasks"));
            assertThat(response.statusCode()).isEqualTo(200);
            upstreams.add(response.headers().firstValue("X-Upstream-Server").orElse(null));
        }
        assertThat(upstreams).containsExactlyInAnyOrder(cluster.backendId(0), cluster.backendId(1));
    }

    @Test
    void noHealthyBackendGives503AndCountsIt() {
        cluster.killBackend(0);
        cluster.killBackend(1);
        cluster.awaitState(0, "DOWN", Cluster.DOWN_DEADLINE);
        cluster.awaitState(1, "DOWN", Cluster.DOWN_DEADLINE);

        HttpResponse<String> get = http.get(cluster.balancerUri("/api/tasks"));
        HttpResponse<String> post = http.postJson(cluster.balancerUri("/api/tasks"), "{\"title\":\"lost?\"}");

        assertThat(get.statusCode()).isEqualTo(503);
        assertThat(post.statusCode()).isEqualTo(503);
        JsonNode stats = http.getJson(cluster.balancerUri("/errors/stats"));
        assertThat(stats.path("error_types").path("503_SERVICE_UNAVAILABLE").asLong()).isEqualTo(2);
        assertThat(stats.path("total_errors").asLong()).isEqualTo(2);
        assertThat(stats.path("recent_errors").path(0).path("status").asInt()).isEqualTo(503);
    }

    /**
     * GET /api/tasks from {@link #CLIENT_THREADS} threads in a loop until stopped, recording every status,
     * every transport failure and the upstream of each request started after {@link #markDownObserved()}.
     */
    private final class RequestStream {
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicBoolean downObserved = new AtomicBoolean();
        private final AtomicInteger completed = new AtomicInteger();
        private final List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final List<String> upstreamsAfterDown = Collections.synchronizedList(new ArrayList<>());

        void start() {
            for (int i = 0; i < CLIENT_THREADS; i++) {
                Thread thread = new Thread(this::sendUntilStopped, "failover-client-" + i);
                threads.add(thread);
                thread.start();
            }
        }

        private void sendUntilStopped() {
            for (int i = 0; i < MAX_REQUESTS_PER_THREAD && !stopped.get(); i++) {
                boolean afterDown = downObserved.get();
                try {
                    HttpResponse<String> response = http.get(cluster.balancerUri("/api/tasks"));
                    statuses.add(response.statusCode());
                    if (afterDown) {
                        upstreamsAfterDown.add(response.headers().firstValue("X-Upstream-Server").orElse("none"));
                    }
                } catch (RuntimeException e) {
                    failures.add(e + (e.getCause() == null ? "" : " caused by " + e.getCause()));
                }
                completed.incrementAndGet();
            }
        }

        void markDownObserved() {
            downObserved.set(true);
        }

        int completed() {
            return completed.get();
        }

        void stop() throws InterruptedException {
            stopped.set(true);
            for (Thread thread : threads) {
                thread.join(STREAM_TIMEOUT.toMillis());
            }
        }

        List<Integer> statuses() {
            return List.copyOf(statuses);
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        List<String> upstreamsAfterDown() {
            return List.copyOf(upstreamsAfterDown);
        }
    }
}
