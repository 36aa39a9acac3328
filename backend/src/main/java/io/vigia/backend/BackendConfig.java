package io.vigia.backend;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one backend process, built from the command line by {@link BackendCommand} or directly by tests.
 * Immutable and shared by any thread.
 *
 * @param host                   address or host name to listen on
 * @param port                   TCP port to listen on, 0 for an ephemeral port
 * @param databaseFile           SQLite file that stores the tasks, which several processes may share
 * @param databaseBusyTimeoutMillis how long SQLite waits for a lock held by another connection before it
 *                               reports the database as busy
 */
public record BackendConfig(String host, int port, Path databaseFile, int databaseBusyTimeoutMillis) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Path DEFAULT_DATABASE_FILE = Path.of("data", "tasks.db");
    /** System property that sets the database file when {@code --db} is absent. */
    public static final String DATABASE_PROPERTY = "vigia.db";
    public static final int DEFAULT_BUSY_TIMEOUT_MILLIS = 5000;
    public static final int MAX_PORT = 65535;

    public BackendConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(databaseFile, "databaseFile");
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port must be from 0 to " + MAX_PORT + ": " + port);
        }
        if (databaseBusyTimeoutMillis < 0) {
            throw new IllegalArgumentException("databaseBusyTimeoutMillis must not be negative: "
                    + databaseBusyTimeoutMillis);
        }
        databaseFile = databaseFile.toAbsolutePath().normalize();
    }

    /** Creates a configuration with the default database busy timeout. */
    public static BackendConfig of(String host, int port, Path databaseFile) {
        return new BackendConfig(host, port, databaseFile, DEFAULT_BUSY_TIMEOUT_MILLIS);
    }
}
