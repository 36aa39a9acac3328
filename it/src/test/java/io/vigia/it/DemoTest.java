package io.vigia.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
