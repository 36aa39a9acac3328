package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite task store on a real file, including lock contention with another connection. */
class TaskStoreTest {

    @TempDir
    Path directory;

    @Test
    void openCreatesDirectoriesTableAndWalJournal() throws Exception {
        Path file = directory.resolve("nested/dir/tasks.db");

        try (TaskStore store = TaskStore.open(file, 1000)) {
            assertThat(store.list().join()).isEmpty();
            assertThat(store.databaseFile()).isEqualTo(file);
        }

        assertThat(Files.isRegularFile(file)).isTrue();
        assertThat(queryString(file, "PRAGMA journal_mode")).isEqualTo("wal");
    }

    @Test
    void createCompleteDeleteRoundTrip() throws Exception {
        try (TaskStore store = TaskStore.open(directory.resolve("tasks.db"), 1000)) {
            Task created = store.create("first").join();
            Task second = store.create("second").join();

            Optional<Task> completed = store.complete(created.id()).join();
            boolean deleted = store.delete(second.id()).join();

            assertThat(second.id()).isGreaterThan(created.id());
            assertThat(completed).hasValueSatisfying(task -> {
                assertThat(task.completed()).isTrue();
                assertThat(task.createdAt()).isEqualTo(created.createdAt());
            });
            assertThat(deleted).isTrue();
            assertThat(store.delete(second.id()).join()).isFalse();
            assertThat(store.complete(second.id()).join()).isEmpty();
            assertThat(store.list().join()).containsExactly(completed.get());
        }
    }

    @Test
    void idsAreNotReusedAfterDelete() throws Exception {
        try (TaskStore store = TaskStore.open(directory.resolve("tasks.db"), 1000)) {
            Task first = store.create("a").join();
            store.delete(first.id()).join();

            Task next = store.create("b").join();

            assertThat(next.id()).isGreaterThan(first.id());
        }
    }

    @Test
    void tasksSurviveReopen() throws Exception {
        Path file = directory.resolve("tasks.db");
        try (TaskStore store = TaskStore.open(file, 1000)) {
            store.create("persisted").join();
        }

        try (TaskStore reopened = TaskStore.open(file, 1000)) {
            assertThat(reopened.list().join()).extracting(Task::title).containsExactly("persisted");
        }
    }

    @Test
    void createWaitsForBriefLock() throws Exception {
        Path file = directory.resolve("tasks.db");
        try (TaskStore store = TaskStore.open(file, 5000);
             Connection locker = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            execute(locker, "BEGIN IMMEDIATE");

            CompletableFuture<Task> created = store.create("after the lock");
            Thread.sleep(150);
            assertThat(created).isNotDone();
            execute(locker, "COMMIT");

            assertThat(created.get(10, TimeUnit.SECONDS).title()).isEqualTo("after the lock");
            assertThat(store.list().join()).hasSize(1);
        }
    }

    @Test
    void createFailsWhenLockOutlastsEveryAttempt() throws Exception {
        Path file = directory.resolve("tasks.db");
        try (TaskStore store = TaskStore.open(file, 30);
             Connection locker = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            execute(locker, "BEGIN IMMEDIATE");

            long startNanos = System.nanoTime();
            CompletableFuture<Task> created = store.create("never");

            assertThatThrownBy(created::join)
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(TaskStoreException.class)
                    .cause().hasMessageStartingWith("create task failed: ");
            // Three attempts that each waited the 30 ms busy timeout, with pauses of 50 and 100 ms between them.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(240);
            execute(locker, "ROLLBACK");
            assertThat(store.list().join()).isEmpty();
        }
    }

    @Test
    void operationsAfterCloseFail() throws Exception {
        TaskStore store = TaskStore.open(directory.resolve("tasks.db"), 1000);
        store.close();
        store.close();

        CompletableFuture<List<Task>> listed = store.list();

        assertThatThrownBy(listed::join)
                .hasCauseInstanceOf(TaskStoreException.class)
                .cause().hasMessage("list tasks failed: the task store is closed");
    }

    @Test
    void openFailsForDirectoryPath() {
        assertThatThrownBy(() -> TaskStore.open(directory, 1000)).isInstanceOf(SQLException.class);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String queryString(Path file, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
