package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting and stopping {@link BackendServer} in-process. */
class BackendServerLifecycleTest {

    @TempDir
    Path directory;

    @Test
    void portInUseThrowsBindException() {
        try (RunningBackend occupant = RunningBackend.start(directory.resolve("a.db"))) {
            BackendServer second = new BackendServer(BackendConfig.of("127.0.0.1", occupant.port,
                    directory.resolve("b.db")));

            assertThatThrownBy(second::start)
                    .isInstanceOf(BindException.class)
                    .hasMessage("127.0.0.1:" + occupant.port + " is already in use");
            second.close();
            assertThat(occupant.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void secondStartIsRejected() {
        try (RunningBackend backend = RunningBackend.start(directory.resolve("tasks.db"))) {
            assertThatThrownBy(backend.server::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closeStopsListeningAndIsIdempotent() throws Exception {
        RunningBackend backend = RunningBackend.start(directory.resolve("tasks.db"));
        int port = backend.port;

        backend.close();
        backend.close();
        backend.server.awaitClose();

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void closeBeforeStartDoesNothing() throws Exception {
        BackendServer server = new BackendServer(BackendConfig.of("127.0.0.1", 0, directory.resolve("tasks.db")));

        server.close();
        server.awaitClose();

        assertThat(server.port()).isEqualTo(-1);
    }
}
