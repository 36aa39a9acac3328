package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

class DemoTest {

    @TempDir
    Path directory;

    @Test
    void occupiedPortNamedAndNothingStarted() throws IOException {
        try (ServerSocket occupant = new ServerSocket(0, 1, InetAddress.getByName(Demo.HOST))) {
            int port = occupant.getLocalPort();
            Path database = directory.resolve("tasks.db");

            ConsoleOutput output = ConsoleOutput.capture((out, err) -> {
                Demo demo = new Demo(new Demo.Ports(0, port, 0), database, Messages.of(Language.EN), out, err);
                return demo.start() ? Main.EXIT_OK : Main.EXIT_FAILURE;
            });

            assertThat(output.status()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(output.stdout()).isEmpty();
            assertThat(output.stderr()).isEqualTo("Port " + port + " (backend 2) is already in use. Stop the program"
                    + " listening on it and start the demo again." + System.lineSeparator());
            assertThat(database).doesNotExist();
        }
    }

    @Test
    void occupiedPortNamedInSpanish() throws IOException {
        try (ServerSocket occupant = new ServerSocket(0, 1, InetAddress.getByName(Demo.HOST))) {
            int port = occupant.getLocalPort();

            ConsoleOutput output = ConsoleOutput.capture((out, err) -> {
                Demo demo = new Demo(new Demo.Ports(0, 0, port), directory.resolve("tasks.db"),
                        Messages.of(Language.ES), out, err);
                return demo.start() ? Main.EXIT_OK : Main.EXIT_FAILURE;
            });

            assertThat(output.stderr()).startsWith("El puerto " + port + " (balanceador) ya está en uso.");
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void bannerUrlsStartInOneColumn(Language language) {
        Messages messages = Messages.of(language);
        String url = "http://127.0.0.1:8080";
        List<String> lines = List.of(
                messages.format("demo.backend", "1", url),
                messages.format("demo.balancer", url),
                messages.format("demo.dashboard", url + "/dashboard"));

        assertThat(lines).extracting(line -> line.indexOf(url)).as("column of the URL in %s", lines)
                .containsOnly(lines.get(0).indexOf(url));
    }

    @Test
    void scenarioHintIsReadmeCommand() throws IOException {
        // The tests run in the it module, so the READMEs are one level up.
        String readme = Files.readString(Path.of("..", "README.md"));
        String spanishReadme = Files.readString(Path.of("..", "README.es.md"));

        assertThat(Demo.SCENARIO_COMMAND).isEqualTo("mvn -q -pl it exec:java -Dexec.args=scenario");
        assertThat(readme).contains(Demo.SCENARIO_COMMAND);
        assertThat(spanishReadme).contains(Demo.SCENARIO_COMMAND);
    }

    @Test
    void simulatedErrorLogsOneLineWithoutStackTrace() {
        Logger vigiaLogger = (Logger) LoggerFactory.getLogger("io.vigia");
        Level previousLevel = vigiaLogger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Demo demo = new Demo(new Demo.Ports(0, 0, 0), directory.resolve("tasks.db"), Messages.of(Language.EN),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        assertThat(demo.start()).as("demo started").isTrue();
        try {
            Http http = new Http();
            URI balancer = URI.create(demo.balancerUrl());
            Await.until("both backends UP", Duration.ofSeconds(20), () -> healthyBackends(http, balancer) == 2);
            // Debug too, so that a stack trace logged below the console's level also fails the test.
            vigiaLogger.setLevel(Level.DEBUG);
            vigiaLogger.addAppender(appender);

            HttpResponse<String> response = http.postJson(balancer.resolve("/api/tasks/simulate-error"), "");

            assertThat(response.statusCode()).isEqualTo(500);
        } finally {
            vigiaLogger.detachAppender(appender);
            vigiaLogger.setLevel(previousLevel);
            demo.stop();
        }

        List<ILoggingEvent> events = List.copyOf(appender.list);
        assertThat(events).as("events with a stack trace")
                .filteredOn(event -> event.getThrowableProxy() != null)
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
        assertThat(events).filteredOn(event -> event.getFormattedMessage().contains("simulated failure"))
                .singleElement()
                // INFO, or DEBUG when another simulated failure was logged within the rate limiter's window.
                .satisfies(event -> assertThat(event.getLevel()).isIn(Level.INFO, Level.DEBUG));
    }

    private static int healthyBackends(Http http, URI balancer) {
        try {
            return Http.MAPPER.readTree(http.get(balancer.resolve("/health")).body()).path("healthy_backends").asInt();
        } catch (IOException e) {
            return -1;
        }
    }
}
