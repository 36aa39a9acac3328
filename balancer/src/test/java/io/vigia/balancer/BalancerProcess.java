package io.vigia.balancer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The balancer's command-line entry point run in a child JVM on the test class path, listening on an
 * ephemeral loopback port, for tests that need a memory limit or a real SIGTERM.
 */
final class BalancerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("balancer listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private volatile int port;

    private BalancerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "balancer-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code java jvmOptions... Balancer --host 127.0.0.1 --port 0 arguments...} and waits until it listens. */
    static BalancerProcess start(List<String> jvmOptions, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Balancer.class.getName());
        command.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--lang", "en"));
        command.addAll(List.of(arguments));
        BalancerProcess balancer = new BalancerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        Await.until("the child balancer to listen, output: " + balancer.output, Duration.ofSeconds(30),
                () -> balancer.port > 0 || !balancer.process.isAlive());
        if (balancer.port == 0) {
            throw new IllegalStateException("the child balancer exited with status " + balancer.process.exitValue()
                    + ", output: " + balancer.output);
        }
        return balancer;
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    /** Lines the child wrote to standard output and standard error so far. */
    List<String> output() {
        return List.copyOf(output);
    }

    /**
     * Sends SIGTERM, which the JVM turns into its shutdown hooks. Goes through the process handle because
     * {@link Process#destroy()} also closes the pipes, and the child's shutdown output would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the child to exit and returns its status, or -1 when it is still running after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                Matcher matcher = LISTENING.matcher(line);
                if (port == 0 && matcher.find()) {
                    port = Integer.parseInt(matcher.group(1));
                }
            }
        } catch (IOException ignored) {
            // The child exited and its output pipe closed.
        }
    }
}
