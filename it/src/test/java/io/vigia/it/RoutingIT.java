package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round robin and task storage through a real balancer in front of two real backend processes. */
class RoutingIT {

    private static final String UPSTREAM_HEADER = "X-Upstream-Server";
    private static final int CONCURRENT_CREATES = 200;
    private static final int CLIENT_THREADS = 32;

    @TempDir
    static Path directory;

    private static Cluster cluster;
    private final Http http = new Http();

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.start("routing", directory);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void consecutiveRequestsAlternateBackends() {
        List<String> upstreams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = http.get(cluster.balancerUri("/api/tasks"));
            assertThat(response.statusCode()).isEqualTo(200);
            upstreams.add(response.headers().firstValue(UPSTREAM_HEADER).orElse(null));
        }

        assertThat(upstreams).doesNotContainNull();
        assertThat(Set.copyOf(upstreams)).containsExactlyInAnyOrder(cluster.backendId(0), cluster.backendId(1));
        for (int i = 1; i < upstreams.size(); i++) {
            assertThat(upstreams.get(i)).as("upstream of request %d", i).isNotEqualTo(upstreams.get(i - 1));
        }
    }

    @Test
    void createdTaskVisibleOnBothBackends() {
        String title = "visible-" + UUID.randomUUID();

        HttpResponse<String> created = http.postJson(cluster.balancerUri("/api/tasks"), titleJson(title));

        assertThat(created.statusCode()).isEqualTo(201);
        long id = Http.json(created.body()).path("id").asLong(-1);
        assertThat(id).isPositive();
        for (int backend = 0; backend < Cluster.BACKEND_COUNT; backend++) {
            assertThat(titlesById(listTasks(backend))).as("tasks on %s", cluster.backendId(backend))
                    .containsEntry(id, title);
        }
    }

    @Test
    void concurrentCreatesStoredExactlyOnce() throws Exception {
        String prefix = "concurrent-" + UUID.randomUUID() + "-";
        List<HttpResponse<String>> responses = createConcurrently(prefix);

        Set<Long> createdIds = new HashSet<>();
        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).as("status of a create, body %s", response.body()).isEqualTo(201);
            createdIds.add(Http.json(response.body()).path("id").asLong(-1));
        }
        assertThat(createdIds).hasSize(CONCURRENT_CREATES).doesNotContain(-1L);

        List<JsonNode> stored = listTasks(0).stream()
                .filter(task -> task.path("title").asText().startsWith(prefix))
                .toList();
        Set<Long> storedIds = new HashSet<>();
        Set<String> storedTitles = new HashSet<>();
        stored.forEach(task -> storedIds.add(task.path("id").asLong()));
        stored.forEach(task -> storedTitles.add(task.path("title").asText()));
        assertThat(stored).hasSize(CONCURRENT_CREATES);
        assertThat(storedIds).isEqualTo(createdIds);
        assertThat(storedTitles).hasSize(CONCURRENT_CREATES);
    }

    private List<HttpResponse<String>> createConcurrently(String prefix) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < CONCURRENT_CREATES; i++) {
                String title = prefix + i;
                futures.add(pool.submit(() -> http.postJson(cluster.balancerUri("/api/tasks"), titleJson(title))));
            }
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> future : futures) {
                responses.add(future.get(30, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Lists the tasks straight from backend {@code index}, bypassing the balancer. */
    private List<JsonNode> listTasks(int index) {
        JsonNode body = http.getJson(cluster.backendUri(index, "/api/tasks"));
        JsonNode tasks = body.isArray() ? body : body.path("tasks");
        assertThat(tasks.isArray()).as("task list from %s: %s", cluster.backendId(index), body).isTrue();
        List<JsonNode> list = new ArrayList<>();
        tasks.forEach(list::add);
        return list;
    }

    private static Map<Long, String> titlesById(List<JsonNode> tasks) {
        Map<Long, String> titles = new HashMap<>();
        tasks.forEach(task -> titles.put(task.path("id").asLong(), task.path("title").asText()));
        return titles;
    }

    private static String titleJson(String title) {
        return Http.MAPPER.createObjectNode().put("title", title).toString();
    }
}
