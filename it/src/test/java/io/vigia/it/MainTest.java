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
    void unknownOptionInBothLanguages() {
        ConsoleOutput spanish = run("demo", "--bogus", "--lang", "es");
        ConsoleOutput english = run("demo", "--bogus", "--lang", "en");

        assertThat(spanish.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(spanish.stderr().lines().findFirst()).hasValue("Opción desconocida: --bogus.");
        assertThat(spanish.stderr()).contains("Uso: mvn -pl it exec:java");
        assertThat(english.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(english.stderr().lines().findFirst()).hasValue("Unknown option: --bogus.");
        assertThat(english.stderr()).contains("Usage: mvn -pl it exec:java");
    }

    @Test
    void badPortNumberInBothLanguages() {
        for (String url : new String[] {"http://127.0.0.1:99999", "http://127.0.0.1:eighty"}) {
            ConsoleOutput spanish = run("scenario", url, "--lang", "es");
            ConsoleOutput english = run("scenario", url, "--lang", "en");

            assertThat(spanish.status()).as(url).isEqualTo(Main.EXIT_USAGE);
            assertThat(spanish.stderr().lines().findFirst()).as(url)
                    .hasValue("URL del balanceador no válida: " + url + ". Se esperaba http://HOST:PUERTO, por"
                            + " ejemplo http://127.0.0.1:8080.");
            assertThat(english.status()).as(url).isEqualTo(Main.EXIT_USAGE);
            assertThat(english.stderr().lines().findFirst()).as(url)
                    .hasValue("Invalid balancer URL: " + url + ". Expected http://HOST:PORT, for example"
                            + " http://127.0.0.1:8080.");
        }
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
                + " http://127.0.0.1:" + port + ". Inicie el sistema con: mvn -q -pl it exec:java -Dexec.args=demo");
    }

    private static ConsoleOutput run(String... args) {
        return ConsoleOutput.capture((out, err) -> Main.run(args, out, err));
    }
}
