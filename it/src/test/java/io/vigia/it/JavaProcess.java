package io.vigia.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child JVM started by an integration test: a backend, a balancer or the {@code it} launcher, with its
 * standard output and error written to a log file under {@code target/it-logs}.
 *
 * <p>Child JVMs run with Netty leak detection at paranoid, and {@link #leakReports()} finds the reports in
 * the log. Used by the test thread only.
 */
final class JavaProcess implements AutoCloseable {

    /** The line that backend and balancer log once bound; group 1 is the port. */
    static final Pattern LISTENING = Pattern.compile("listening on [^:\\s]+:(\\d+)");

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String name;
    private final Process process;
    private final Path logFile;

    private JavaProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** Starts {@code mainClass} with {@code arguments} on the runtime classpath of the modules under test. */
    static JavaProcess start(String name, String mainClass, List<String> arguments) {
        return start(name, TestEnvironment.runtimeClasspath(), mainClass, arguments);
    }

    /** Starts {@code mainClass} with {@code arguments} on {@code classpath}. */
    static JavaProcess start(String name, String classpath, String mainClass, List<String> arguments) {
        Path logFile = TestEnvironment.logDirectory()
                .resolve(String.format("%03d-%s.log", SEQUENCE.incrementAndGet(), name));
        List<String> command = new ArrayList<>();
        command.add(TestEnvironment.javaExecutable().toString());
        command.addAll(TestEnvironment.childJvmOptions());
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(arguments);

        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        try {
            return new JavaProcess(name, builder.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until the process logs the port it listens on and returns it.
     *
     * @throws AssertionError if the process exits first or {@code timeout} passes
     */
    int awaitListeningPort(Duration timeout) {
        int[] port = {-1};
        Await.until(name + " to log 'listening on'", timeout, () -> {
            Matcher matcher = LISTENING.matcher(output());
            if (matcher.find()) {
                port[0] = Integer.parseInt(matcher.group(1));
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with status " + process.exitValue()
                        + " before listening; output:\n" + output());
            }
            return false;
        });
        return port[0];
    }

    /** Waits for the process to exit on its own and returns its exit status. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout.toMillis() + " ms; output:\n"
                        + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
        return process.exitValue();
    }

    /**
     * Runs a full garbage collection in the process with {@code jcmd PID GC.run}. Netty reports a leaked buffer
     * only after the collector has freed it, and a short-lived child JVM may never collect on its own.
     */
    void collectGarbage() {
        if (!process.isAlive()) {
            return;
        }
        Path jcmd = TestEnvironment.javaExecutable().resolveSibling("jcmd");
        try {
            Process command = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!command.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                command.destroyForcibly();
                throw new AssertionError("jcmd GC.run on " + this + " did not finish within " + STOP_TIMEOUT);
            }
            if (command.exitValue() != 0) {
                throw new AssertionError("jcmd GC.run on " + this + " failed with status " + command.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while collecting garbage in " + this, e);
        }
    }

    /**
     * Sends the process signal {@code name} (for example {@code HUP}) with {@code kill -NAME PID}, which POSIX
     * systems provide, and waits for the command to finish. The process handles the signal asynchronously.
     */
    void signal(String name) {
        if (!process.isAlive()) {
            throw new AssertionError("cannot send SIG" + name + " to " + this + ": it has exited");
        }
        try {
            Process command = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!command.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                command.destroyForcibly();
                throw new AssertionError("kill -" + name + " " + process.pid() + " did not finish within "
                        + STOP_TIMEOUT);
            }
            if (command.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed with status "
                        + command.exitValue() + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while sending SIG" + name + " to " + this, e);
        }
    }

    /** Kills the process at once (SIGKILL on Linux), as a crash would, and waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        waitQuietly(STOP_TIMEOUT);
    }

    /** Asks the process to stop (SIGTERM), then kills it if it is still running after a deadline. */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitQuietly(STOP_TIMEOUT)) {
            process.destroyForcibly();
            waitQuietly(STOP_TIMEOUT);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Everything the process has written so far. */
    String output() {
        try {
            // Decoding the bytes replaces a character cut in half by a write in progress instead of failing.
            return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of " + name + " in " + logFile, e);
        }
    }

    /** Lines of the output that report a Netty buffer leak. */
    List<String> leakReports() {
        return output().lines().filter(line -> line.contains("LEAK:")).toList();
    }

    private boolean waitQuietly(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + logFile + ")";
    }
}
