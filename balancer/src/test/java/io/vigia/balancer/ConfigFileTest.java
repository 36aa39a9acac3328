package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigFileTest {

    @TempDir
    Path dir;

    /** Exit status and standard error of one run that failed before starting anything. */
    private record Run(int exitCode, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        int exitCode = Balancer.newCommandLine(args, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true)).execute(args);
        return new Run(exitCode, err.toString());
    }

    private static BalancerConfig parse(String... args) {
        CommandLine commandLine = Balancer.newCommandLine(args, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        commandLine.parseArgs(args);
        return ((Balancer) commandLine.getCommand()).toConfig();
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "vigia", ".yaml"), yaml);
    }

    @Test
    void exampleFileSetsEveryKey() {
        BalancerConfig config = parse("--config", "vigia.example.yaml");

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.adminPort()).isEqualTo(9090);
        assertThat(config.backends()).containsExactly(new BackendAddress("127.0.0.1", 5001, 1),
                new BackendAddress("127.0.0.1", 5002, 1));
        assertThat(config.probePath()).isEqualTo("/health");
        assertThat(config.idleTimeoutMillis()).isEqualTo(60_000);
        assertThat(config.loadBalancing()).isEqualTo(LoadBalancing.ROUND_ROBIN);
        assertThat(config.retryEnabled()).isTrue();
        assertThat(config.retryBudgetPercent()).isEqualTo(20);
        assertThat(config.retryMinConcurrency()).isEqualTo(3);
        assertThat(config.maxHeaderBytes()).isEqualTo(16_384);
    }

    @Test
    void fileValuesReplaceDefaults() throws IOException {
        Path file = write("""
                listen: {host: 0.0.0.0, port: 20001}
                backends:
                  - address: "10.0.0.1:81"
                    weight: 5
                  - {address: "[::1]:82"}
                health-check: {path: /ready, interval-ms: 700, timeout-ms: 300, rise: 4, fall: 5}
                timeouts: {connect-ms: 111, response-ms: 222, idle-ms: 0}
                pool: {max-idle-per-backend: 0}
                load-balancing: weighted-round-robin
                retry: {enabled: false, budget-percent: 5, min-concurrency: 0}
                recent-errors: 25
                limits: {max-request-line-bytes: 1000, max-header-bytes: 2000, max-body-bytes: 3000}
                """);

        BalancerConfig config = parse("--config", file.toString());

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(20001);
        assertThat(config.hasAdminListener()).isFalse();
        assertThat(config.backends()).containsExactly(new BackendAddress("10.0.0.1", 81, 5),
                new BackendAddress("::1", 82, 1));
        assertThat(config.probePath()).isEqualTo("/ready");
        assertThat(config.probeIntervalMillis()).isEqualTo(700);
        assertThat(config.probeTimeoutMillis()).isEqualTo(300);
        assertThat(config.rise()).isEqualTo(4);
        assertThat(config.fall()).isEqualTo(5);
        assertThat(config.connectTimeoutMillis()).isEqualTo(111);
        assertThat(config.responseTimeoutMillis()).isEqualTo(222);
        assertThat(config.idleTimeoutMillis()).isZero();
        assertThat(config.poolMaxIdlePerBackend()).isZero();
        assertThat(config.loadBalancing()).isEqualTo(LoadBalancing.WEIGHTED_ROUND_ROBIN);
        assertThat(config.retryEnabled()).isFalse();
        assertThat(config.retryBudgetPercent()).isEqualTo(5);
        assertThat(config.retryMinConcurrency()).isZero();
        assertThat(config.recentErrors()).isEqualTo(25);
        assertThat(config.maxRequestLineBytes()).isEqualTo(1000);
        assertThat(config.maxHeaderBytes()).isEqualTo(2000);
        assertThat(config.maxBodyBytes()).isEqualTo(3000);
    }

    @Test
    void commandLineOverridesFile() throws IOException {
        Path file = write("""
                listen: {port: 20001}
                admin: {port: 20003}
                backends: [{address: "127.0.0.1:21001"}]
                health-check: {path: /ready, rise: 4}
                load-balancing: least-outstanding
                """);

        BalancerConfig config = parse("--config", file.toString(), "--port", "20002", "--rise", "7",
                "--backend", "127.0.0.1:21002", "--load-balancing", "round-robin");

        assertThat(config.port()).isEqualTo(20002);
        assertThat(config.rise()).isEqualTo(7);
        assertThat(config.backends()).containsExactly(new BackendAddress("127.0.0.1", 21002));
        assertThat(config.loadBalancing()).isEqualTo(LoadBalancing.ROUND_ROBIN);
        assertThat(config.probePath()).isEqualTo("/ready");
        assertThat(config.adminPort()).isEqualTo(20003);
        assertThat(config.fall()).isEqualTo(BalancerConfig.DEFAULT_FALL);
    }

    @Test
    void commandLineValueEqualToDefaultStillOverridesFile() throws IOException {
        Path file = write("listen: {port: 20001}\n");

        BalancerConfig config = parse("--config", file.toString(), "--port", "8080");

        assertThat(config.port()).isEqualTo(8080);
    }

    @Test
    void emptyFileKeepsDefaults() throws IOException {
        Path file = write("# nothing set\n");

        BalancerConfig config = parse("--config", file.toString());

        assertThat(config.port()).isEqualTo(BalancerConfig.DEFAULT_PORT);
        assertThat(config.backends()).hasSize(BalancerConfig.DEFAULT_BACKENDS.size());
    }

    @Test
    void invalidFileValuesExitWith2NamingKeyAndValue() throws IOException {
        List<String[]> cases = List.of(
                new String[] {"listen: {hots: x}\n", "listen.hots", "unknown key listen.hots;", "example.yaml"},
                new String[] {"colour: blue\n", "colour", "unknown key colour;", "example.yaml"},
                new String[] {"backends: [{address: \"127.0.0.1:1\", wieght: 2}]\n", "backends[0].wieght",
                    "unknown key backends[0].wieght;", "example.yaml"},
                new String[] {"listen: {port: 70000}\n", "listen.port", "'70000'", "0 to 65535"},
                new String[] {"listen: {port: eighty}\n", "listen.port", "'eighty'",
                    "port number from 0 to 65535"},
                new String[] {"listen: {port: 80.5}\n", "listen.port", "80.5", "port number from 0 to 65535"},
                new String[] {"admin: {port: 65536}\n", "admin.port", "'65536'", "0 to 65535"},
                new String[] {"timeouts: {connect-ms: -5}\n", "timeouts.connect-ms", "'-5'", "greater than 0"},
                new String[] {"timeouts: {idle-ms: -1}\n", "timeouts.idle-ms", "'-1'", "0 or more"},
                new String[] {"health-check: {path: health}\n", "health-check.path", "'health'", "starts with /"},
                new String[] {"backends: [{address: \"127.0.0.1:1\"}, {address: \"127.0.0.1\"}]\n",
                    "backends[1].address", "'127.0.0.1'", "missing port"},
                new String[] {"backends: [{weight: 2}]\n", "backends[0].address", "''", "required"},
                new String[] {"backends: [{address: \"127.0.0.1:1\", weight: 0}]\n", "backends[0].weight", "'0'",
                    "weight of 1 or more"},
                new String[] {"backends: \"127.0.0.1:1\"\n", "backends", "127.0.0.1:1", "wrong type"},
                new String[] {"backends: []\n", "backends", "''", "at least one backend"},
                new String[] {"load-balancing: random\n", "load-balancing", "'random'", "least-outstanding"},
                new String[] {"retry: {budget-percent: 101}\n", "retry.budget-percent", "'101'", "0 to 100"},
                new String[] {"retry: {min-concurrency: -1}\n", "retry.min-concurrency", "'-1'", "0 or more"},
                new String[] {"limits: {max-header-bytes: 0}\n", "limits.max-header-bytes", "'0'",
                    "greater than 0"});
        for (String[] testCase : cases) {
            Path file = write(testCase[0]);

            Run run = run("--lang", "en", "--config", file.toString());

            assertThat(run.exitCode()).as(testCase[0]).isEqualTo(2);
            assertThat(run.err()).as(testCase[0]).contains(file.toString(), testCase[1], testCase[2], testCase[3]);
        }
    }

    @Test
    void invalidCommandLineValueNamesOptionEvenWithFile() throws IOException {
        Path file = write("listen: {port: 20001}\n");

        Run run = run("--lang", "en", "--config", file.toString(), "--port", "70000");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for --port: '70000'");
    }

    @Test
    void newOptionsRejectInvalidValues() {
        Run algorithm = run("--lang", "en", "--load-balancing", "random");
        Run adminPort = run("--lang", "en", "--admin-port", "70000");

        assertThat(algorithm.exitCode()).isEqualTo(2);
        assertThat(algorithm.err()).contains("--load-balancing", "'random'", "least-outstanding");
        assertThat(adminPort.exitCode()).isEqualTo(2);
        assertThat(adminPort.err()).contains("--admin-port", "'70000'", "0 to 65535");
    }

    @Test
    void newOptionsSetConfiguration() {
        BalancerConfig config = parse("--admin-port", "0", "--admin-host", "::1", "--load-balancing",
                "least-outstanding");

        assertThat(config.adminPort()).isZero();
        assertThat(config.adminHost()).isEqualTo("::1");
        assertThat(config.loadBalancing()).isEqualTo(LoadBalancing.LEAST_OUTSTANDING);
    }

    @Test
    void duplicateKeyExitsWith2() throws IOException {
        Path file = write("listen: {port: 1}\nlisten: {port: 2}\n");

        Run run = run("--lang", "en", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(file + ": invalid YAML at line 2", "YAML parser detail: ", "'listen'");
    }

    @Test
    void malformedYamlNamesLineAndColumn() throws IOException {
        Path file = write("listen:\n  host: 127.0.0.1\n\tport: 8080\n");

        Run english = run("--lang", "en", "--config", file.toString());
        Run spanish = run("--lang", "es", "--config", file.toString());

        assertThat(english.exitCode()).isEqualTo(2);
        assertThat(english.err().lines()).containsExactly(
                file + ": invalid YAML at line 3, column 1.",
                "YAML parser detail: while scanning for the next token: found character '\\t(TAB)' that cannot"
                        + " start any token. (Do not use \\t(TAB) for indentation)",
                "Run with --help to see every option.");
        assertThat(spanish.exitCode()).isEqualTo(2);
        assertThat(spanish.err()).startsWith(file + ": YAML no válido en la línea 3, columna 1."
                + System.lineSeparator()
                + "Detalle del analizador YAML (en inglés): while scanning for the next token: found character");
    }

    @Test
    void unclosedYamlQuoteNamesWhereInputEnds() throws IOException {
        Path file = write("backends:\n  - address: \"127.0.0.1:5001\n");

        Run run = run("--lang", "en", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(file + ": invalid YAML at line 3, column 1." + System.lineSeparator()
                + "YAML parser detail: while scanning a quoted scalar: found unexpected end of stream");
        assertThat(run.err()).doesNotContain("Invalid value for --config");
    }

    @Test
    void listenPortNotNumberNamesPortRange() throws IOException {
        Path file = write("listen:\n  port: http\n");

        Run run = run("--lang", "en", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(file
                + ": invalid value for listen.port: 'http' (expected a port number from 0 to 65535).");
    }

    @Test
    void negativeAdminPortInFileRejected() throws IOException {
        Path file = write("admin:\n  port: -1\n");

        // Parsed only: before this check, the file turned the admin listener off and the balancer started.
        assertThatThrownBy(() -> parse("--lang", "en", "--config", file.toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage(file + ": invalid value for admin.port: '-1' (expected a port number from 0 to 65535).");
    }

    @Test
    void missingFileExitsWith2() {
        Path missing = dir.resolve("absent.yaml");

        Run run = run("--lang", "en", "--config", missing.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--config", missing.toString(), "file not found");
    }

    @Test
    void directoryInsteadOfFileExitsWith2() {
        Run run = run("--lang", "en", "--config", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--config", dir.toString(), "cannot be read");
    }

    @Test
    void fileErrorsPrintInSpanish() throws IOException {
        Path file = write("listen: {port: 70000}\n");

        Run run = run("--lang", "es", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("valor no válido para listen.port: '70000'", "entre 0 y 65535");
    }
}
