package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The error-scenario client against a real balancer and two real backend processes. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScenarioIT {

    @TempDir
    static Path directory;

    private static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.start("scenario", directory);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Runs on the fresh cluster, before any other test here sends an error through it. */
    @Test
    @Order(1)
    void freshStackPrintsExactSpanishLines() {
        ConsoleOutput output = runScenario(Language.ES);

        assertThat(output.status()).isZero();
        assertThat(output.stdout()).isEqualTo(String.join(System.lineSeparator(),
                "Total errores: 3",
                "Tipos de errores: {'400_BAD_REQUEST': 1, '404_NOT_FOUND': 1, '500_INTERNAL_ERROR': 1}",
                ""));
        assertThat(output.stderr()).isEmpty();
        assertClusterViewNamesEachError();
    }

    /** The balancer's recent errors name the backend of each error and carry the backend's message. */
    private static void assertClusterViewNamesEachError() {
        JsonNode recent = Http.json(new Http().get(cluster.balancerUri("/errors/stats")).body()).path("recent_errors");

        assertThat(recent).hasSize(3);
        assertThat(recent.get(0).path("type").asText()).isEqualTo("500_INTERNAL_ERROR");
        assertThat(recent.get(0).path("message").asText()).contains("simulated failure");
        assertThat(recent.get(1).path("type").asText()).isEqualTo("404_NOT_FOUND");
        assertThat(recent.get(1).path("message").asText()).isEqualTo("task 999999 not found");
        assertThat(recent.get(2).path("type").asText()).isEqualTo("400_BAD_REQUEST");
        assertThat(recent.get(2).path("message").asText()).startsWith("title is required");
        for (JsonNode error : recent) {
            assertThat(error.path("upstream").asText()).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(error.path("endpoint").asText()).startsWith("/api/tasks");
        }
    }

    @Test
    @Order(2)
    void repeatedRunPrintsAccumulatedCountsInEnglish() {
        JsonNode before = Http.json(new Http().get(cluster.balancerUri("/errors/stats")).body());
        long totalBefore = before.path("total_errors").asLong();
        JsonNode typesBefore = before.path("error_types");

        ConsoleOutput output = runScenario(Language.EN);

        String expectedTypes = String.format("{'400_BAD_REQUEST': %d, '404_NOT_FOUND': %d, '500_INTERNAL_ERROR': %d}",
                typesBefore.path("400_BAD_REQUEST").asLong() + 1,
                typesBefore.path("404_NOT_FOUND").asLong() + 1,
                typesBefore.path("500_INTERNAL_ERROR").asLong() + 1);
        assertThat(output.status()).isZero();
        assertThat(output.stdout().lines()).containsExactly(
                "Total errors: " + (totalBefore + 3),
                "Error types: " + expectedTypes);
        assertThat(output.stderr()).isEmpty();
    }

    @Test
    @Order(3)
    void scenarioAcceptsTrailingSlashUrl() {
        ConsoleOutput output = runScenario(Language.EN, cluster.balancerUri("/"));

        assertThat(output.status()).isZero();
        assertThat(output.stdout().lines()).hasSize(2);
        assertThat(output.stdout().lines().findFirst())
                .hasValueSatisfying(line -> assertThat(line).startsWith("Total errors: "));
    }

    private static ConsoleOutput runScenario(Language language) {
        return runScenario(language, cluster.balancerUri(""));
    }

    private static ConsoleOutput runScenario(Language language, URI balancerUrl) {
        return ConsoleOutput.capture((out, err) -> Scenario.run(balancerUrl, language, out, err));
    }
}
