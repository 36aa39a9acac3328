package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigia.core.ErrorStatsJson;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log as a user turns it on: {@code Balancer.main} in a child JVM with the balancer's own
 * logging configuration, writing under a temporary log directory.
 */
class AccessLogProcessTest {

    private static final Pattern LISTENING = Pattern.compile("listening on [^:\\s]+:(\\d+)");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private FakeBackend backend;
    private Process process;
    private Path output;

    @BeforeEach
    void startBackend() throws Exception {
        backend = FakeBackend.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        backend.close();
    }

    @Test
    void jsonLinesCarryEveryField() throws Exception {
        int port = startBalancer("--access-log", "--access-log-format", "json");
        try (TestHttpClient client = new TestHttpClient(port)) {
            assertThat(client.get("/hello?token=secret").status()).isEqualTo(200);
            assertThat(client.get("/status/404").status()).isEqualTo(404);
            assertThat(client.get("/health").status()).isEqualTo(200);
        }

        List<Map<String, String>> lines = awaitJsonLines(3);

        Map<String, String> ok = lines.get(0);
        assertThat(ok.get("client")).isEqualTo("127.0.0.1");
        assertThat(ok.get("method")).isEqualTo("GET");
        assertThat(ok.get("path")).isEqualTo("/hello");
        assertThat(ok.get("status")).isEqualTo("200");
        assertThat(ok.get("body_bytes_sent")).isEqualTo(Integer.toString(("hello from " + backend.id()).length()));
        assertThat(ok.get("total_ms")).matches("\\d+\\.\\d{3}");
        assertThat(ok.get("upstream_ms")).matches("\\d+\\.\\d{3}");
        assertThat(Double.parseDouble(ok.get("upstream_ms")))
                .isLessThanOrEqualTo(Double.parseDouble(ok.get("total_ms")));
        assertThat(ok.get("upstream")).isEqualTo(backend.id());
        assertThat(ok.get("retries")).isEqualTo("0");
        assertThat(ok.get("bucket")).isEqualTo("-");
        assertThat(Instant.parse(ok.get("time"))).isBefore(Instant.now());

        Map<String, String> missing = lines.get(1);
        assertThat(missing.get("status")).isEqualTo("404");
        assertThat(missing.get("bucket")).isEqualTo("404_NOT_FOUND");
        assertThat(missing.get("upstream")).isEqualTo(backend.id());

        Map<String, String> health = lines.get(2);
        assertThat(health.get("path")).isEqualTo("/health");
        assertThat(health.get("upstream")).isEqualTo("-");
        assertThat(health.get("upstream_ms")).isEqualTo("-");
        assertThat(Files.readString(directory.resolve("balancer.log"))).doesNotContain("/status/404");
    }

    @Test
    void textLinesKeepFieldOrder() throws Exception {
        int port = startBalancer("--access-log");
        try (TestHttpClient client = new TestHttpClient(port)) {
            assertThat(client.request("POST", "/status/500", "x").status()).isEqualTo(500);
        }

        Path file = directory.resolve("access.log");
        Await.until("one access log line", TIMEOUT, () -> readLines(file).size() == 1);

        String line = readLines(file).get(0);
        assertThat(line).matches("\\S+ 127\\.0\\.0\\.1 POST /status/500 500 \\d+ \\d+\\.\\d{3} \\d+\\.\\d{3} "
                + Pattern.quote(backend.id()) + " 0 500_INTERNAL_ERROR");
        assertThat(Files.exists(directory.resolve("access.json.log"))).isFalse();
    }

    @Test
    void offByDefault() throws Exception {
        int port = startBalancer();
        try (TestHttpClient client = new TestHttpClient(port)) {
            assertThat(client.get("/hello").status()).isEqualTo(200);
        }
        process.destroy();
        assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(directory.resolve("access.log")).doesNotExist();
        assertThat(directory.resolve("access.json.log")).doesNotExist();
        assertThat(directory.resolve("balancer.log")).content().contains("balancer stopped");
        assertThat(Files.readString(output)).contains("balancer stopped");
        // Logback prints its own status lines only when its configuration has errors or warnings.
        assertThat(Files.readString(output)).doesNotContain("|-WARN", "|-ERROR");
    }

    @Test
    void invalidFormatExitsWith2() throws Exception {
        output = directory.resolve("out.txt");
        process = newProcess("--lang", "en", "--access-log-format", "xml").start();

        assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(output)).contains("--access-log-format", "'xml'", "expected text or json");
    }

    private int startBalancer(String... options) throws Exception {
        output = directory.resolve("out.txt");
        List<String> args = new ArrayList<>(List.of("--port", "0", "--backends", backend.id()));
        args.addAll(List.of(options));
        process = newProcess(args.toArray(new String[0])).start();

        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Matcher listening = LISTENING.matcher(Files.exists(output) ? Files.readString(output) : "");
            if (listening.find()) {
                return Integer.parseInt(listening.group(1));
            }
            assertThat(process.isAlive()).as("balancer process alive, output: %s", output).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("the balancer did not log its port within " + TIMEOUT);
    }

    private ProcessBuilder newProcess(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dvigia.log.dir=" + directory,
                "-cp", productionClassPath(),
                Balancer.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    }

    /**
     * Returns the test class path without test classes, because their logback-test.xml would replace the
     * balancer's own logging configuration.
     */
    private static String productionClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.endsWith("test-classes") && !entry.endsWith("-tests.jar")) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private List<Map<String, String>> awaitJsonLines(int count) throws InterruptedException {
        Path file = directory.resolve("access.json.log");
        Await.until(count + " JSON access log lines", TIMEOUT, () -> readLines(file).size() >= count);
        List<Map<String, String>> parsed = new ArrayList<>();
        for (String line : readLines(file)) {
            parsed.add(keyValues(line));
        }
        assertThat(parsed).hasSize(count);
        return parsed;
    }

    /** Reads Logback's JsonEncoder line: {"timestamp": ..., "kvpList": [{"key": "value"}, ...]}. */
    private static Map<String, String> keyValues(String line) {
        try {
            JsonNode event = ErrorStatsJson.MAPPER.readTree(line);
            assertThat(event.get("timestamp").isNumber()).as(line).isTrue();
            Map<String, String> fields = new HashMap<>();
            for (JsonNode pair : event.get("kvpList")) {
                for (Map.Entry<String, JsonNode> field : pair.properties()) {
                    fields.put(field.getKey(), field.getValue().asText());
                }
            }
            return fields;
        } catch (IOException e) {
            throw new UncheckedIOException("access log line is not JSON: " + line, e);
        }
    }

    private static List<String> readLines(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
