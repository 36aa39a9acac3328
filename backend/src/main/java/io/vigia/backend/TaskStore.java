package io.vigia.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Stores tasks in a SQLite file that several backend processes may share.
 *
 * <p>After {@link #open}, every JDBC call runs on one dedicated thread that owns the store's only connection, so
 * no event loop blocks on the database. The public methods return at once with a future that this thread completes,
 * and callers hop back to their own thread themselves.
 *
 * <p>The database runs in WAL mode, so readers do not block writers. Each write is one
 * {@code BEGIN IMMEDIATE} transaction, which takes the write lock before reading anything, and its future
 * completes only after {@code COMMIT} has returned. When another process holds the lock, SQLite waits up to
 * the busy timeout. A statement that still fails with {@code SQLITE_BUSY} or {@code SQLITE_LOCKED} is rolled
 * back and retried, at most {@link #MAX_ATTEMPTS} times in all, with a warning per retry. A rolled-back
 * transaction stored nothing, so a retried create never stores a task twice.
 *
 * <p>Each finished operation, successful or not, is reported to the store's {@link TaskOperationListener}
 * with its time from the call to the result.
 */
public final class TaskStore implements AutoCloseable {

    /** Attempts per operation when the database is busy, the first one included. */
    public static final int MAX_ATTEMPTS = 3;

    private static final Logger logger = LoggerFactory.getLogger(TaskStore.class);

    private static final long RETRY_BACKOFF_MILLIS = 50;
    private static final long CLOSE_TIMEOUT_MILLIS = 10_000;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;

    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS tasks ("
            + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            + " title TEXT NOT NULL,"
            + " completed INTEGER NOT NULL DEFAULT 0,"
            + " created_at TEXT NOT NULL)";
    private static final String SELECT_COLUMNS = "SELECT id, title, completed, created_at FROM tasks";

    private final Path databaseFile;
    private final Connection connection;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TaskOperationListener listener;

    private TaskStore(Path databaseFile, Connection connection, ExecutorService executor,
                      TaskOperationListener listener) {
        this.listener = listener;
        this.databaseFile = databaseFile;
        this.connection = connection;
        this.executor = executor;
    }

    /**
     * Opens {@code databaseFile}, creating it, its parent directories and the {@code tasks} table when missing.
     * Runs on the calling thread, which must not be an event loop.
     *
     * @throws SQLException if the directories cannot be created or SQLite cannot open or set up the file
     *
     * @param busyTimeoutMillis how long SQLite waits for another connection's lock before it reports busy
     */
    public static TaskStore open(Path databaseFile, int busyTimeoutMillis) throws SQLException {
        return open(databaseFile, busyTimeoutMillis, TaskOperationListener.NONE);
    }

    /** Opens the store like {@link #open(Path, int)} and reports every operation to {@code listener}. */
    static TaskStore open(Path databaseFile, int busyTimeoutMillis, TaskOperationListener listener)
            throws SQLException {
        return open(databaseFile, busyTimeoutMillis, Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "task-store");
            thread.setDaemon(true);
            return thread;
        }), listener);
    }

    /**
     * Opens the store with {@code executor} as its database thread, for tests that must control when database
     * work runs. The executor must run one task at a time, and the store shuts it down on {@link #close()}.
     */
    static TaskStore open(Path databaseFile, int busyTimeoutMillis, ExecutorService executor) throws SQLException {
        return open(databaseFile, busyTimeoutMillis, executor, TaskOperationListener.NONE);
    }

    private static TaskStore open(Path databaseFile, int busyTimeoutMillis, ExecutorService executor,
                                  TaskOperationListener listener) throws SQLException {
        Path file = databaseFile.toAbsolutePath().normalize();
        Connection connection;
        try {
            createParentDirectories(file);
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(busyTimeoutMillis);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            connection = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        } catch (SQLException | RuntimeException e) {
            executor.shutdown();
            throw e;
        }
        TaskStore store = new TaskStore(file, connection, executor, listener);
        String journalMode;
        try {
            journalMode = store.retrying("open database", () -> store.configure(busyTimeoutMillis));
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw e;
        }
        logger.info("{} task store open journalMode={} busyTimeoutMillis={}", file, journalMode, busyTimeoutMillis);
        return store;
    }

    private static void createParentDirectories(Path file) throws SQLException {
        Path parent = file.getParent();
        if (parent == null) {
            return;
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new SQLException("cannot create the directory " + parent + ": " + e, e);
        }
    }

    public Path databaseFile() {
        return databaseFile;
    }

    /** Returns every task ordered by id. */
    public CompletableFuture<List<Task>> list() {
        return submit(TaskOperation.LIST, "list tasks", () -> retrying("list tasks", this::selectAll));
    }

    /** Stores a new, not completed task and returns it once committed. */
    public CompletableFuture<Task> create(String title) {
        return submit(TaskOperation.CREATE, "create task",
                () -> retrying("create task", () -> inWriteTransaction(() -> insert(title))));
    }

    /** Marks task {@code id} completed and returns it, or an empty optional when no such task exists. */
    public CompletableFuture<Optional<Task>> complete(long id) {
        return submit(TaskOperation.COMPLETE, "complete task " + id,
                () -> retrying("complete task " + id, () -> inWriteTransaction(() -> markCompleted(id))));
    }

    /** Deletes task {@code id} and returns whether it existed. */
    public CompletableFuture<Boolean> delete(long id) {
        return submit(TaskOperation.DELETE, "delete task " + id,
                () -> retrying("delete task " + id, () -> inWriteTransaction(() -> deleteRow(id))));
    }

    /**
     * Lets queued operations finish, closes the connection and stops the store's thread. Later calls fail
     * with {@link TaskStoreException}. Safe to call more than once and from any thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.execute(this::closeConnection);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                logger.warn("{} task store did not stop within {} ms, interrupting it", databaseFile,
                        CLOSE_TIMEOUT_MILLIS);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Sets the connection's pragmas, creates the table when missing and returns the journal mode in effect. */
    private String configure(int busyTimeoutMillis) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout=" + busyTimeoutMillis);
            String journalMode = queryString(statement, "PRAGMA journal_mode=WAL");
            if (!"wal".equals(journalMode.toLowerCase(Locale.ROOT))) {
                logger.warn("{} SQLite kept journal_mode={} instead of wal; readers may block writers",
                        databaseFile, journalMode);
            }
            statement.execute("PRAGMA synchronous=NORMAL");
            statement.execute(CREATE_TABLE);
            return journalMode;
        }
    }

    private List<Task> selectAll() throws SQLException {
        List<Task> tasks = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(SELECT_COLUMNS + " ORDER BY id")) {
            while (rows.next()) {
                tasks.add(toTask(rows));
            }
        }
        return tasks;
    }

    private Task insert(String title) throws SQLException {
        String createdAt = Timestamps.format(Instant.now());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO tasks (title, completed, created_at) VALUES (?, 0, ?)")) {
            insert.setString(1, title);
            insert.setString(2, createdAt);
            insert.executeUpdate();
        }
        long id;
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT last_insert_rowid()")) {
            row.next();
            id = row.getLong(1);
        }
        return new Task(id, title, false, createdAt);
    }

    private Optional<Task> markCompleted(long id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE tasks SET completed = 1 WHERE id = ?")) {
            update.setLong(1, id);
            if (update.executeUpdate() == 0) {
                return Optional.empty();
            }
        }
        try (PreparedStatement select = connection.prepareStatement(SELECT_COLUMNS + " WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(toTask(row)) : Optional.empty();
            }
        }
    }

    private boolean deleteRow(long id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM tasks WHERE id = ?")) {
            delete.setLong(1, id);
            return delete.executeUpdate() > 0;
        }
    }

    private static Task toTask(ResultSet row) throws SQLException {
        return new Task(row.getLong(1), row.getString(2), row.getInt(3) != 0, row.getString(4));
    }

    /** Runs {@code work} between {@code BEGIN IMMEDIATE} and {@code COMMIT}, rolling back if anything fails. */
    private <T> T inWriteTransaction(SqlWork<T> work) throws SQLException {
        execute("BEGIN IMMEDIATE");
        try {
            T result = work.run();
            execute("COMMIT");
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                execute("ROLLBACK");
            } catch (SQLException rollbackFailure) {
                // SQLite rolls back by itself after some errors, and then ROLLBACK reports no transaction.
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
    }

    /** Runs {@code work} again while it fails because the database is busy, up to {@link #MAX_ATTEMPTS} in all. */
    private <T> T retrying(String operation, SqlWork<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                if (!isBusy(e) || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                logger.warn("{} database busy, retrying operation=\"{}\" attempt={} maxAttempts={} error=\"{}\"",
                        databaseFile, operation, attempt, MAX_ATTEMPTS, e.getMessage());
                pauseBeforeRetry(attempt);
            }
        }
    }

    private static boolean isBusy(SQLException e) {
        // sqlite-jdbc may report an extended result code, whose low byte is the primary code.
        int primaryCode = e.getErrorCode() & 0xff;
        return primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED;
    }

    private static void pauseBeforeRetry(int attempt) throws SQLException {
        try {
            Thread.sleep(RETRY_BACKOFF_MILLIS * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to retry", e);
        }
    }

    private <T> CompletableFuture<T> submit(TaskOperation kind, String operation, SqlWork<T> work) {
        long startNanos = System.nanoTime();
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> runAndComplete(kind, startNanos, operation, work, result));
        } catch (RejectedExecutionException e) {
            listener.onOperation(kind, false, System.nanoTime() - startNanos);
            result.completeExceptionally(new TaskStoreException(operation + " failed: the task store is closed", e));
        }
        return result;
    }

    private <T> void runAndComplete(TaskOperation kind, long startNanos, String operation, SqlWork<T> work,
                                    CompletableFuture<T> result) {
        T value;
        try {
            value = work.run();
        } catch (SQLException | RuntimeException e) {
            logger.debug("{} operation failed operation=\"{}\"", databaseFile, operation, e);
            listener.onOperation(kind, false, System.nanoTime() - startNanos);
            result.completeExceptionally(new TaskStoreException(operation + " failed: " + e.getMessage(), e));
            return;
        }
        listener.onOperation(kind, true, System.nanoTime() - startNanos);
        result.complete(value);
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String queryString(Statement statement, String sql) throws SQLException {
        try (ResultSet row = statement.executeQuery(sql)) {
            return row.next() ? row.getString(1) : "";
        }
    }

    private void closeConnection() {
        try {
            connection.close();
            logger.info("{} task store closed", databaseFile);
        } catch (SQLException e) {
            logger.warn("{} closing the database connection failed", databaseFile, e);
        }
    }

    /** A unit of JDBC work run on the store's thread. */
    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }
}
