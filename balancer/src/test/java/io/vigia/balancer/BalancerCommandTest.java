package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class BalancerCommandTest {

    /** Exit status and captured output of one run. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Balancer.newCommandLine(args, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static BalancerConfig parse(String... args) {
        CommandLine commandLine = Balancer.newCommandLine(args, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        commandLine.parseArgs(args);
        return ((Balancer) commandLine.getCommand()).toConfig();
    }

    @Test
    void portOutOfRangeExitsWith2() {
        Run run = run("--lang", "en", "--port", "70000");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for --port: '70000'", "0 to 65535", "--help");
    }

    @Test
    void positionalPortOutOfRangeExitsWith2() {
        Run run = run("--lang", "en", "99999");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("PORT", "'99999'", "0 to 65535");
    }

    @ParameterizedTest
    @CsvSource({
        "--port, abc", "--port, -5", "--port, 99999999999", "--admin-port, abc", "--admin-port, 70000",
        "--admin-port, -1", "PORT, abc",
    })
    void invalidListenPortNamesPortRange(String option, String value) {
        String[] portArgs = option.equals("PORT") ? new String[] {value} : new String[] {option, value};
        Run english = run(concat(new String[] {"--lang", "en"}, portArgs));
        Run spanish = run(concat(new String[] {"--lang", "es"}, portArgs));

        assertThat(english.exitCode()).isEqualTo(2);
        assertThat(english.err()).isEqualTo(lines("Invalid value for " + option + ": '" + value
                + "' (expected a port number from 0 to 65535).", "Run with --help to see every option."));
        assertThat(spanish.exitCode()).isEqualTo(2);
        assertThat(spanish.err()).isEqualTo(lines("Valor no válido para " + option + ": '" + value
                + "' (se esperaba un número de puerto entre 0 y 65535).",
                "Ejecute con --help para ver todas las opciones."));
    }

    @Test
    void negativeAdminPortDoesNotDisableListener() {
        assertThatThrownBy(() -> parse("--lang", "en", "--admin-port", "-1"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--admin-port")
                .hasMessageContaining("0 to 65535");
    }

    @ParameterizedTest
    @CsvSource({"--backends, 127.0.0.1:abc", "--backend, 127.0.0.1:-1"})
    void invalidBackendPortNamesPortRange(String option, String value) {
        Run english = run("--lang", "en", option, value);
        Run spanish = run("--lang", "es", option, value);

        assertThat(english.exitCode()).isEqualTo(2);
        assertThat(english.err()).contains(option + ": '" + value + "'", "port number from 1 to 65535");
        assertThat(spanish.exitCode()).isEqualTo(2);
        assertThat(spanish.err()).contains(option + ": '" + value + "'", "número de puerto entre 1 y 65535");
    }

    @Test
    void nonNumericPortExitsWith2() {
        Run run = run("--port", "eighty");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--port", "eighty");
    }

    @Test
    void unresolvedHostExitsWith2() {
        Run run = run("--lang", "en", "--port", "0", "--host", "999.1.1.1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("999.1.1.1");
    }

    @Test
    void emptyBackendListExitsWith2() {
        Run run = run("--lang", "en", "--port", "0", "--backends", ",");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--backends");
    }

    @Test
    void backendWithoutPortExitsWith2() {
        Run run = run("--lang", "en", "--backends", "127.0.0.1:5001,127.0.0.1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--backends", "'127.0.0.1'", "missing port");
    }

    @Test
    void backendPortOutOfRangeExitsWith2() {
        Run run = run("--lang", "en", "--backend", "127.0.0.1:70000");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--backend", "127.0.0.1:70000", "1 to 65535");
    }

    @Test
    void backendWithEmptyHostExitsWith2() {
        Run run = run("--lang", "en", "--backends", ":5001");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--backends", "':5001'", "empty host");
    }

    @Test
    void nonPositiveSettingsExitWith2() {
        String[][] cases = {
            {"--rise", "0"}, {"--fall", "0"}, {"--probe-interval-ms", "0"}, {"--probe-timeout-ms", "-1"},
            {"--connect-timeout-ms", "0"}, {"--response-timeout-ms", "0"}, {"--threads", "0"},
        };
        for (String[] args : cases) {
            Run run = run("--lang", "en", args[0], args[1]);

            assertThat(run.exitCode()).as(args[0]).isEqualTo(2);
            assertThat(run.err()).as(args[0]).contains(args[0], "'" + args[1] + "'", "greater than 0");
        }
    }

    @Test
    void invalidLanguageExitsWith2() {
        Run run = run("--lang", "fr");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--lang", "fr");
    }

    @Test
    void unknownConfigKeyMessage(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("vigia.yaml"), "listen:\n  port: 8080\ncolour: blue\n");

        Run spanish = run("--lang", "es", "--config", file.toString());
        Run english = run("--lang", "en", "--config", file.toString());

        assertThat(spanish.exitCode()).isEqualTo(2);
        assertThat(spanish.err()).contains(file + ": clave desconocida colour;", "balancer/vigia.example.yaml")
                .doesNotContain("'colour'");
        assertThat(english.exitCode()).isEqualTo(2);
        assertThat(english.err()).contains(file + ": unknown key colour;", "balancer/vigia.example.yaml")
                .doesNotContain("'colour'");
    }

    @Test
    void errorsPrintInSpanish() {
        Run run = run("--lang", "es", "--port", "70000");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Valor no válido para --port: '70000'", "entre 0 y 65535");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--bogus | Opción desconocida: '--bogus'. | Unknown option: '--bogus'.",
        "--rise two | Valor no válido para --rise: 'two' (se esperaba un número entero de -2147483648 a 2147483647)."
                + " | Invalid value for --rise: 'two' (expected an integer from -2147483648 to 2147483647).",
        "--probe-interval-ms | Falta el valor de la opción --probe-interval-ms: se esperaba MS."
                + " | Missing value for option --probe-interval-ms: expected MS.",
        "8081 8082 | Argumento inesperado: '8082'. | Unexpected argument: '8082'.",
    })
    void parseErrorInBothLanguages(String args, String spanish, String english) {
        Run spanishRun = run(("--lang es " + args).split(" "));
        Run englishRun = run(("--lang en " + args).split(" "));

        assertThat(spanishRun.exitCode()).isEqualTo(2);
        assertThat(spanishRun.err()).isEqualTo(lines(spanish, "Ejecute con --help para ver todas las opciones."));
        assertThat(englishRun.exitCode()).isEqualTo(2);
        assertThat(englishRun.err()).isEqualTo(lines(english, "Run with --help to see every option."));
    }

    @Test
    void mistypedOptionGetsSuggestionInSpanish() {
        Run run = run("--lang", "es", "--ris", "2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(lines("Opción desconocida: '--ris'.", "¿Quiso decir --rise?",
                "Ejecute con --help para ver todas las opciones."));
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private static String lines(String... lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append(System.lineSeparator());
        }
        return text.toString();
    }

    @Test
    void helpListsOptionsInBothLanguages() {
        Run english = run("--lang", "en", "--help");
        Run spanish = run("--lang", "es", "--help");

        assertThat(english.exitCode()).isZero();
        assertThat(english.out()).contains("--probe-interval-ms", "--pool-max-idle-per-backend", "Default: 5000");
        assertThat(spanish.exitCode()).isZero();
        assertThat(spanish.out()).contains("Opciones", "Por defecto: 5000");
    }

    @Test
    void versionNamesTheProgram() {
        Run run = run("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("vigia-balancer ").doesNotContain("${");
    }

    @Test
    void portInUseExitsWith1WithoutStackTrace() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(taken.getLocalPort());
            Run run = run("--lang", "en", "--port", port, "--threads", "1");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("127.0.0.1:" + port, "already in use").doesNotContain("\tat ");
        }
    }

    @Test
    void collectsBackendsFromBothOptions() {
        BalancerConfig config = parse("--backends", "10.0.0.1:1,10.0.0.2:2", "--backend", "10.0.0.3:3", "9090");

        assertThat(config.backends()).extracting(BackendAddress::id)
                .containsExactly("10.0.0.1:1", "10.0.0.2:2", "10.0.0.3:3");
        assertThat(config.port()).isEqualTo(9090);
    }

    @Test
    void usesDefaultsWithoutOptions() {
        BalancerConfig config = parse();

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.backends()).extracting(BackendAddress::id)
                .containsExactly("127.0.0.1:5001", "127.0.0.1:5002");
        assertThat(config.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void conflictingPortsExitWith2() {
        Run run = run("--lang", "en", "--port", "8081", "8082");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--port", "differ");
    }

    @Test
    void clientLimitOptionsReachConfig() {
        BalancerConfig config = parse("--max-request-line-bytes", "4096", "--max-header-bytes", "32768",
                "--max-body-bytes", "0", "--client-header-timeout-ms", "5000", "--client-body-timeout-ms", "7000",
                "--idle-timeout-ms", "90000", "--max-connections", "500");

        ClientLimits limits = config.clientLimits();
        assertThat(limits.maxRequestLineBytes()).isEqualTo(4096);
        assertThat(limits.maxHeaderBytes()).isEqualTo(32768);
        assertThat(limits.maxBodyBytes()).isZero();
        assertThat(limits.limitsBody()).isFalse();
        assertThat(limits.clientHeaderTimeoutMillis()).isEqualTo(5000);
        assertThat(limits.clientBodyTimeoutMillis()).isEqualTo(7000);
        assertThat(limits.idleTimeoutMillis()).isEqualTo(90000);
        assertThat(limits.maxConnections()).isEqualTo(500);
    }

    @Test
    void clientLimitDefaults() {
        ClientLimits limits = parse().clientLimits();

        assertThat(limits).isEqualTo(ClientLimits.defaults());
        assertThat(limits.maxBodyBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(limits.idleTimeoutMillis()).isGreaterThan(15_000);
    }

    @Test
    void invalidClientLimitExitsWith2() {
        Run zero = run("--lang", "en", "--max-connections", "0");
        Run negative = run("--lang", "en", "--max-body-bytes", "-1");

        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--max-connections", "greater than 0");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("--max-body-bytes", "0 or more");
    }

    @Test
    void helpListsClientLimitsInBothLanguages() {
        Run english = run("--lang", "en", "--help");
        Run spanish = run("--lang", "es", "--help");

        assertThat(english.out()).contains("--max-body-bytes", "413", "--idle-timeout-ms", "60000");
        assertThat(spanish.out()).contains("--max-connections", "Conexiones de cliente abiertas a la vez");
    }

    @Test
    void retryOptionsSetTheBudget() {
        BalancerConfig defaults = parse();
        BalancerConfig config = parse("--no-retry", "--retry-budget-percent", "35", "--retry-min-concurrency", "0");

        assertThat(defaults.retryEnabled()).isTrue();
        assertThat(defaults.retryBudgetPercent()).isEqualTo(BalancerConfig.DEFAULT_RETRY_BUDGET_PERCENT);
        assertThat(defaults.retryMinConcurrency()).isEqualTo(BalancerConfig.DEFAULT_RETRY_MIN_CONCURRENCY);
        assertThat(config.retryEnabled()).isFalse();
        assertThat(config.retryBudgetPercent()).isEqualTo(35);
        assertThat(config.retryMinConcurrency()).isZero();
    }

    @Test
    void invalidRetryBudgetExitsWith2() {
        Run percent = run("--lang", "en", "--retry-budget-percent", "150");
        Run minimum = run("--lang", "en", "--retry-min-concurrency", "-2");

        assertThat(percent.exitCode()).isEqualTo(2);
        assertThat(percent.err()).contains("--retry-budget-percent", "'150'", "0 to 100");
        assertThat(minimum.exitCode()).isEqualTo(2);
        assertThat(minimum.err()).contains("--retry-min-concurrency", "'-2'", "0 or more");
    }

    @Test
    void helpListsRetryOptionsAndLoadBalancingDefault() {
        Run english = run("--lang", "en", "--help");
        Run spanish = run("--lang", "es", "--help");

        assertThat(english.out()).contains("--no-retry", "--retry-budget-percent", "--retry-min-concurrency");
        assertThat(english.out()).contains("Default: round-robin", "Longest request line accepted");
        assertThat(spanish.out()).contains("--retry-min-concurrency", "poco tráfico");
    }
}
