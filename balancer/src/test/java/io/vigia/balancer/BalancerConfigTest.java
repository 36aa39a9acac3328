package io.vigia.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalancerConfigTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:5001 | 127.0.0.1 | 5001",
        "localhost:80 | localhost | 80",
        "' backend.internal:65535 ' | backend.internal | 65535",
        "[::1]:5001 | ::1 | 5001",
    })
    void parsesBackendAddress(String text, String host, int port) {
        BackendAddress address = BackendAddress.parse(text, "--backends");

        assertThat(address.host()).isEqualTo(host);
        assertThat(address.port()).isEqualTo(port);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1 | MISSING_PORT",
        "127.0.0.1: | MISSING_PORT",
        "[::1] | MISSING_PORT",
        ":5001 | EMPTY_HOST",
        "127.0.0.1:0 | BACKEND_PORT_OUT_OF_RANGE",
        "127.0.0.1:65536 | BACKEND_PORT_OUT_OF_RANGE",
        "127.0.0.1:123456 | BACKEND_PORT_OUT_OF_RANGE",
        "127.0.0.1:http | PORT_NOT_A_NUMBER",
        "127.0.0.1:-1 | PORT_NOT_A_NUMBER",
        "::1:5001 | UNBRACKETED_IPV6",
    })
    void rejectsMalformedBackendAddress(String text, ConfigProblem problem) {
        assertThatThrownBy(() -> BackendAddress.parse(text, "--backend"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    assertThat(e.option()).isEqualTo("--backend");
                    assertThat(e.value()).isEqualTo(text);
                    assertThat(e.getMessage()).contains("--backend", text);
                });
    }

    @Test
    void builderDefaultsMatchDocumentedValues() {
        BalancerConfig config = BalancerConfig.builder().build();

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.backends()).extracting(BackendAddress::id)
                .containsExactly("127.0.0.1:5001", "127.0.0.1:5002");
        assertThat(config.rise()).isEqualTo(2);
        assertThat(config.fall()).isEqualTo(3);
        assertThat(config.probeIntervalMillis()).isEqualTo(5_000);
        assertThat(config.probeTimeoutMillis()).isEqualTo(2_000);
        assertThat(config.responseTimeoutMillis()).isEqualTo(30_000);
        assertThat(config.poolMaxIdlePerBackend()).isEqualTo(64);
        assertThat(config.recentErrors()).isEqualTo(10);
        assertThat(config.probesEnabled()).isTrue();
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheOption() {
        assertProblem(BalancerConfig.builder().port(70_000), "--port", ConfigProblem.LISTEN_PORT_OUT_OF_RANGE);
        assertProblem(BalancerConfig.builder().port(-1), "--port", ConfigProblem.LISTEN_PORT_OUT_OF_RANGE);
        assertProblem(BalancerConfig.builder().rise(0), "--rise", ConfigProblem.NOT_POSITIVE);
        assertProblem(BalancerConfig.builder().fall(0), "--fall", ConfigProblem.NOT_POSITIVE);
        assertProblem(BalancerConfig.builder().probeIntervalMillis(0), "--probe-interval-ms",
                ConfigProblem.NOT_POSITIVE);
        assertProblem(BalancerConfig.builder().probeTimeoutMillis(-5), "--probe-timeout-ms",
                ConfigProblem.NOT_POSITIVE);
        assertProblem(BalancerConfig.builder().responseTimeoutMillis(0), "--response-timeout-ms",
                ConfigProblem.NOT_POSITIVE);
        assertProblem(BalancerConfig.builder().connectTimeoutMillis(0), "--connect-timeout-ms",
                ConfigProblem.NOT_POSITIVE);
        assertProblem(BalancerConfig.builder().poolMaxIdlePerBackend(-1), "--pool-max-idle-per-backend",
                ConfigProblem.NEGATIVE);
        assertProblem(BalancerConfig.builder().threads(0), "--threads", ConfigProblem.NOT_POSITIVE);
        assertProblem(BalancerConfig.builder().recentErrors(0), "--recent-errors", ConfigProblem.NOT_POSITIVE);
        assertProblem(BalancerConfig.builder().probePath("health"), "--probe-path", ConfigProblem.INVALID_PATH);
        assertProblem(BalancerConfig.builder().host(" "), "--host", ConfigProblem.EMPTY_HOST);
        assertProblem(BalancerConfig.builder().backends(List.of()), "--backends", ConfigProblem.NO_BACKENDS);
        BackendAddress twice = new BackendAddress("127.0.0.1", 5001);
        assertProblem(BalancerConfig.builder().backends(List.of(twice, twice)), "--backends",
                ConfigProblem.DUPLICATE_BACKEND);
    }

    private static void assertProblem(BalancerConfig.Builder builder, String option, ConfigProblem problem) {
        assertThatThrownBy(builder::build)
                .as("%s %s", option, problem)
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.option()).isEqualTo(option);
                    assertThat(e.problem()).isEqualTo(problem);
                });
    }
}
