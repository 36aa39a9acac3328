package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void invalidArgumentsPrintErrorAndUsage() {
        ConsoleOutput output = run("bogus", "--lang", "en");

        assertThat(output.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(output.stdout()).isEmpty();
        assertThat(output.stderr().lines().findFirst()).hasValue("Unknown command: bogus. Expected demo or scenario.");
        assertThat(output.stderr()).contains("Usage: mvn -pl it exec:java -Dexec.args=\"COMMAND [OPTIONS]\"");
    }

    @Test
    void helpPrintsUsageToStdout() {
        ConsoleOutput output = run("--help", "--lang", "es");

        assertThat(output.status()).isEqualTo(Main.EXIT_OK);
        assertThat(output.stdout()).startsWith("Uso: mvn -pl it exec:java");
        assertThat(output.stderr()).isEmpty();
    }

    @Test
    void scenarioWithoutBalancerExitsWith1() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        ConsoleOutput output = run("scenario", "http://127.0.0.1:" + port, "--lang", "es");

        assertThat(output.status()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(output.stdout()).isEmpty();
        assertThat(output.stderr().lines()).containsExactly("No se puede conectar con el balanceador en"
                + " http://127.0.0.1:" + port + ". Inicie el sistema con: mvn -pl it exec:java -Dexec.args=demo");
    }

    private static ConsoleOutput run(String... args) {
        return ConsoleOutput.capture((out, err) -> Main.run(args, out, err));
    }
}
