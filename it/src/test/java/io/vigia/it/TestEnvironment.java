package io.vigia.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Paths the Maven build hands to the integration tests as system properties (see the failsafe configuration
 * in {@code it/pom.xml}): the runtime classpath of the modules under test, this module's classes, its test
 * classes, the directory for child-process logs and the directory for browser screenshots.
 */
final class TestEnvironment {

    private static final String CLASSPATH_FILE = "vigia.it.classpathFile";
    private static final String CLASSES_DIRECTORY = "vigia.it.classesDir";
    private static final String TEST_CLASSES_DIRECTORY = "vigia.it.testClassesDir";
    private static final String LOG_DIRECTORY = "vigia.it.logDir";
    private static final String SCREENSHOT_DIRECTORY = "vigia.it.screenshotDir";

    private TestEnvironment() {
    }

    /** Returns the classpath of core, backend, balancer and their runtime dependencies (from build-classpath). */
    static String runtimeClasspath() {
        Path file = Path.of(requiredProperty(CLASSPATH_FILE));
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the runtime classpath from " + file
                    + "; run the tests with mvn verify", e);
        }
    }

    /** Returns the runtime classpath plus this module's own classes, for starting {@link Main} in a child JVM. */
    static String launcherClasspath() {
        return requiredProperty(CLASSES_DIRECTORY) + File.pathSeparator + runtimeClasspath();
    }

    /** Directory for the logs of child processes; created on first use. */
    static Path logDirectory() {
        return createDirectory(LOG_DIRECTORY, "log directory");
    }

    /** Directory for the screenshots that browser tests take; created on first use. */
    static Path screenshotDirectory() {
        return createDirectory(SCREENSHOT_DIRECTORY, "screenshot directory");
    }

    private static Path createDirectory(String property, String description) {
        Path directory = Path.of(requiredProperty(property));
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the " + description + " " + directory, e);
        }
    }

    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * JVM options of every child process: paranoid leak detection as in the unit tests, a logging setup that
     * prints the "listening on" line and leak reports, and settings that start small JVMs quickly on few cores.
     */
    static List<String> childJvmOptions() {
        return List.of(
                "-ea",
                "-Dio.netty.leakDetection.level=paranoid",
                "-Dio.netty.leakDetection.targetRecords=20",
                "-Dlogback.configurationFile=" + childLogbackConfiguration(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx256m");
    }

    private static String childLogbackConfiguration() {
        return Path.of(requiredProperty(TEST_CLASSES_DIRECTORY)).resolve("logback-child.xml").toString();
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name
                    + " is not set; run the integration tests through Maven (mvn verify), which sets it");
        }
        return value;
    }
}
