package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two backends on one SQLite file, as the balancer runs them. */
class SharedDatabaseTest {

    private static final int CONCURRENT_CREATES = 100;

    @TempDir
    Path directory;

    private Path database;
    private RunningBackend first;
    private RunningBackend second;

    @BeforeEach
    void startBackends() {
        database = directory.resolve("tasks.db");
        first = RunningBackend.start(database);
        second = RunningBackend.start(database);
    }

    @AfterEach
    void stopBackends() {
        first.close();
        second.close();
    }

    @Test
    void taskCreatedThroughOneIsListedByOther() {
        HttpResponse<String> created = first.post("/api/tasks", "{\"title\":\"shared\"}");
        assertThat(created.statusCode()).isEqualTo(201);

        JsonNode listed = RunningBackend.json(second.get("/api/tasks"));

        assertThat(listed).hasSize(1);
        assertThat(listed.get(0)).isEqualTo(RunningBackend.json(created));
    }

    @Test
    void taskCompletedThroughOneIsDeletedThroughOther() {
        long id = RunningBackend.json(first.post("/api/tasks", "{\"title\":\"x\"}")).path("id").asLong();

        assertThat(second.send("PUT", "/api/tasks/" + id + "/complete", null).statusCode()).isEqualTo(200);
        assertThat(first.send("DELETE", "/api/tasks/" + id, null).statusCode()).isEqualTo(200);

        assertThat(second.send("DELETE", "/api/tasks/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void concurrentCreatesThroughBothAreStoredExactlyOnce() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < CONCURRENT_CREATES; i++) {
            RunningBackend target = i % 2 == 0 ? first : second;
            String body = "{\"title\":\"task-" + i + "\"}";
            responses.add(RunningBackend.CLIENT.sendAsync(target.request("POST", "/api/tasks", body),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        }
        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        Set<Long> ids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> future : responses) {
            HttpResponse<String> response = future.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            JsonNode task = RunningBackend.json(response);
            ids.add(task.path("id").asLong());
            titles.add(task.path("title").asText());
        }
        assertThat(ids).hasSize(CONCURRENT_CREATES);
        assertThat(titles).hasSize(CONCURRENT_CREATES);
        assertThat(RunningBackend.json(first.get("/api/tasks"))).hasSize(CONCURRENT_CREATES);
        assertThat(RunningBackend.json(second.get("/api/tasks"))).hasSize(CONCURRENT_CREATES);
        assertThat(storedRows()).containsExactlyInAnyOrderElementsOf(ids);
    }

    private List<Long> storedRows() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM tasks")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }
}
