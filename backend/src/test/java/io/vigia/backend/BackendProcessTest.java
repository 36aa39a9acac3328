package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code BackendServer.main} in a child JVM on this test classpath: exit statuses, start-up line, SIGTERM. */
class BackendProcessTest {

    private static final Pattern LISTENING = Pattern.compile("listening on [^:\\s]+:(\\d+)");
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void invalidPortExitsWith2() throws Exception {
        Process process = start(directory.resolve("out.txt"), "notaport", "--lang", "en");

        assertThat(awaitExit(process)).isEqualTo(2);
        assertThat(output()).contains("Invalid port 'notaport'").doesNotContain("Exception");
    }

    @Test
    void portInUseExitsWith1AndSaysSo() throws Exception {
        try (RunningBackend occupant = RunningBackend.start(directory.resolve("occupant.db"))) {
            Process process = start(directory.resolve("out.txt"), Integer.toString(occupant.port),
                    "--db", directory.resolve("tasks.db").toString(), "--lang", "en");

            assertThat(awaitExit(process)).isEqualTo(1);
            assertThat(output()).contains("Cannot listen on 127.0.0.1:" + occupant.port
                    + ": the port is already in use.").doesNotContain("\tat ");
        }
    }

    @Test
    void servesThenLogsTotalsOnSigterm() throws Exception {
        Process process = start(directory.resolve("out.txt"), "0", "--db", directory.resolve("tasks.db").toString());
        try {
            int port = awaitListeningPort(process);
            HttpResponse<String> health = get(port, "/health");
            HttpResponse<String> missing = get(port, "/missing");

            process.destroy();

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(output()).contains("backend stopped port=" + port + " total_errors=1 "
                    + "error_types={404_NOT_FOUND=1}");
        } finally {
            process.destroyForcibly();
        }
    }

    private Path outputFile;

    private Process start(Path output, String... args) throws IOException {
        outputFile = output;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BackendServer.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
    }

    private String output() throws IOException {
        return Files.readString(outputFile, StandardCharsets.UTF_8);
    }

    private int awaitExit(Process process) throws Exception {
        if (!process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process still running; output:\n" + output());
        }
        return process.exitValue();
    }

    private int awaitListeningPort(Process process) throws Exception {
        long deadline = System.nanoTime() + PROCESS_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = LISTENING.matcher(output());
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("exited with " + process.exitValue() + " before listening:\n" + output());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no 'listening on' line within " + PROCESS_TIMEOUT + ":\n" + output());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(RunningBackend.REQUEST_TIMEOUT)
                .build();
        return RunningBackend.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
