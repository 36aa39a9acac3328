package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Invalid command lines of the three programs, each run as its own JVM so the real exit status is seen. */
class CommandLineIT {

    private static final int EXIT_USAGE = 2;
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    static Stream<Arguments> invalidCommandLines() {
        return Stream.of(
                Arguments.of(Cluster.BACKEND_MAIN, List.of("70000"), "70000"),
                Arguments.of(Cluster.BACKEND_MAIN, List.of("abc"), "abc"),
                Arguments.of(Cluster.BALANCER_MAIN, List.of("--port", "70000", "--backends", "127.0.0.1:1"), "70000"),
                Arguments.of(Cluster.BALANCER_MAIN, List.of("--port", "abc", "--backends", "127.0.0.1:1"), "abc"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("invalidCommandLines")
    void invalidPortExitsWithStatus2(String mainClass, List<String> arguments, String invalidValue) {
        try (JavaProcess process = JavaProcess.start("invalid-" + simpleName(mainClass), mainClass, arguments)) {
            int status = process.awaitExit(EXIT_TIMEOUT);

            assertThat(status).as("exit status; output:%n%s", process.output()).isEqualTo(EXIT_USAGE);
            assertThat(process.output()).contains(invalidValue);
            assertThat(process.output()).doesNotContain("\tat ");
            assertThat(process.leakReports()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidLauncherCommandLines")
    void launcherRejectsInvalidArguments(List<String> arguments, String expectedMessage) {
        try (JavaProcess process = JavaProcess.start("invalid-launcher", TestEnvironment.launcherClasspath(),
                Main.class.getName(), arguments)) {
            int status = process.awaitExit(EXIT_TIMEOUT);

            assertThat(status).as("exit status; output:%n%s", process.output()).isEqualTo(EXIT_USAGE);
            assertThat(process.output()).contains(expectedMessage);
            assertThat(process.output()).contains("mvn -pl it exec:java -Dexec.args=");
            assertThat(process.output()).doesNotContain("\tat ");
        }
    }

    static Stream<Arguments> invalidLauncherCommandLines() {
        return Stream.of(
                Arguments.of(List.of("bogus", "--lang", "en"), "Unknown command: bogus"),
                Arguments.of(List.of("scenario", "--lang", "fr"), "fr"),
                Arguments.of(List.of("scenario", "not a url", "--lang", "en"), "Invalid balancer URL: not a url"));
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
