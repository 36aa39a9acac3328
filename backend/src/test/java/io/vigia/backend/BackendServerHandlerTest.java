package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigia.core.ErrorMonitor;
import io.vigia.core.http.ErrorRecordingHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The backend pipeline on an {@link EmbeddedChannel}, with a real {@link TaskStore}.
 *
 * <p>The embedded event loop is not thread-safe, so the store's thread must not queue a callback on it while
 * the test thread runs it. The store's thread is therefore held by a gate task, and {@link #awaitStore()}
 * opens the gate and blocks until the store has run everything queued so far: the store runs one operation at a
 * time, so once a later {@code list()} has completed, every earlier callback has been queued on the loop.
 */
class BackendServerHandlerTest {

    private static final int MAX_CONTENT_LENGTH_BYTES = 64;

    @TempDir
    Path directory;

    private ExecutorService storeExecutor;
    private CountDownLatch gate;
    private TaskStore store;
    private ErrorMonitor monitor;
    private EmbeddedChannel channel;

    @BeforeEach
    void createChannel() throws Exception {
        storeExecutor = Executors.newSingleThreadExecutor();
        store = TaskStore.open(directory.resolve("tasks.db"), 1000, storeExecutor);
        closeGate();
        monitor = new ErrorMonitor();
        BackendRoutes routes = new BackendRoutes(store, monitor, "127.0.0.1", () -> 5001);
        channel = new EmbeddedChannel(new BackendServerInitializer(new ErrorRecordingHandler(monitor), routes, null,
                MAX_CONTENT_LENGTH_BYTES));
    }

    @AfterEach
    void closeStore() {
        gate.countDown();
        store.close();
    }

    @Test
    void garbageGets400AndClosesChannel() {
        channel.writeInbound(ascii("GARBAGE\r\n\r\n"));

        List<String> responses = readResponses();

        assertThat(responses).hasSize(1);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 400 Bad Request")
                .contains("connection: close")
                .contains("\"error\":\"malformed HTTP request: ");
        assertThat(channel.isOpen()).isFalse();
        assertThat(monitor.count(400)).isEqualTo(1);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bytesAfterGarbageAreDiscarded() {
        channel.writeInbound(ascii("GARBAGE\r\n\r\nGET /health HTTP/1.1\r\n\r\n"));

        assertThat(readResponses()).hasSize(1);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void pipelinedRequestWaitsForEarlierStoreResponse() {
        channel.writeInbound(ascii(post("{\"title\":\"a\"}") + "GET /health HTTP/1.1\r\n\r\n"));

        assertThat(channel.<Object>readOutbound()).as("health must wait for the create").isNull();
        assertThat(channel.config().isAutoRead()).isFalse();

        awaitStore();
        List<String> responses = readResponses();

        assertThat(responses).hasSize(2);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 201 Created");
        assertThat(responses.get(1)).startsWith("HTTP/1.1 200 OK").contains("\"status\":\"ok\"");
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void closedChannelGetsNoResponse() {
        channel.writeInbound(ascii(post("{\"title\":\"orphan\"}")));
        channel.close();

        List<Task> stored = awaitStore();

        assertThat(channel.<Object>readOutbound()).isNull();
        assertThat(stored).extracting(Task::title).containsExactly("orphan");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void queuedRequestsAreReleasedOnClose() {
        ByteBuf requests = ascii(post("{\"title\":\"a\"}") + post("{\"title\":\"b\"}") + post("{\"title\":\"c\"}"));
        channel.writeInbound(requests);
        channel.close();

        List<Task> stored = awaitStore();

        assertThat(stored).extracting(Task::title).containsExactly("a");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void routingExceptionGets500WithMessage() {
        channel.writeInbound(ascii("POST /api/tasks/simulate-error HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));

        List<String> responses = readResponses();

        assertThat(responses.get(0)).startsWith("HTTP/1.1 500 Internal Server Error")
                .contains("simulated failure requested through POST /api/tasks/simulate-error");
        assertThat(channel.isOpen()).as("a 500 keeps the connection").isTrue();
        assertThat(monitor.snapshot().recentErrors().get(0).message())
                .isEqualTo("simulated failure requested through POST /api/tasks/simulate-error");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void simulatedFailureLogsNoStackTrace() {
        List<ILoggingEvent> events = captureHandlerLog(() -> {
            channel.writeInbound(ascii("POST /api/tasks/simulate-error HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
            assertThat(readResponses().get(0)).startsWith("HTTP/1.1 500 Internal Server Error");
        });

        assertThat(events).as("events with a stack trace").filteredOn(event -> event.getThrowableProxy() != null)
                .isEmpty();
        // INFO, or DEBUG when another test logged a simulated failure less than an interval ago.
        assertThat(events).filteredOn(event -> event.getFormattedMessage().contains("simulated failure"))
                .singleElement()
                .satisfies(event -> assertThat(event.getLevel()).isIn(Level.INFO, Level.DEBUG));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void unexpectedFailureLogsStackTrace() {
        gate.countDown();
        store.close();

        List<ILoggingEvent> events = captureHandlerLog(() -> {
            channel.writeInbound(ascii(post("{\"title\":\"a\"}")));
            assertThat(readResponses().get(0)).startsWith("HTTP/1.1 500 Internal Server Error")
                    .contains("the task store is closed");
        });

        assertThat(events).filteredOn(event -> event.getThrowableProxy() != null)
                .singleElement()
                .satisfies(event -> assertThat(event.getThrowableProxy().getClassName())
                        .isEqualTo(TaskStoreException.class.getName()));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void chunkedBodyOverLimitGets413AndClose() {
        String chunk = "z".repeat(MAX_CONTENT_LENGTH_BYTES + 1);
        channel.writeInbound(ascii("POST /api/tasks HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n"));

        List<String> responses = readResponses();

        assertThat(responses).hasSize(1);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 413 ").contains("connection: close")
                .contains("request body exceeds the maximum of " + MAX_CONTENT_LENGTH_BYTES + " bytes");
        assertThat(channel.isOpen()).isFalse();
        assertThat(monitor.count(413)).isEqualTo(1);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void lengthOverLimitKeepsConnection() {
        String body = "z".repeat(MAX_CONTENT_LENGTH_BYTES + 1);
        channel.writeInbound(ascii("POST /api/tasks HTTP/1.1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /health HTTP/1.1\r\n\r\n"));

        List<String> responses = readResponses();

        assertThat(responses).hasSize(2);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 413 ").doesNotContain("connection: close");
        assertThat(responses.get(1)).startsWith("HTTP/1.1 200 OK");
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void expectContinueOverLimitGets413AndClose() {
        channel.writeInbound(ascii("POST /api/tasks HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: "
                + (MAX_CONTENT_LENGTH_BYTES + 1) + "\r\n\r\n"));

        List<String> responses = readResponses();

        assertThat(responses).hasSize(1);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 413 ").contains("connection: close");
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void expectContinueWithinLimitGets100ThenResponse() {
        channel.writeInbound(ascii("POST /api/tasks HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 13\r\n\r\n"));
        List<String> interim = readResponses();
        channel.writeInbound(ascii("{\"title\":\"a\"}"));
        awaitStore();

        List<String> responses = readResponses();

        assertThat(interim).hasSize(1);
        assertThat(interim.get(0)).startsWith("HTTP/1.1 100 Continue");
        assertThat(responses.get(0)).startsWith("HTTP/1.1 201 Created");
        assertThat(monitor.totalErrors()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    /** Lets the store run what is queued, runs the callbacks it queued, and returns the tasks stored by then. */
    private List<Task> awaitStore() {
        gate.countDown();
        List<Task> stored = store.list().join();
        closeGate();
        channel.runPendingTasks();
        return stored;
    }

    private void closeGate() {
        CountDownLatch closed = new CountDownLatch(1);
        gate = closed;
        storeExecutor.execute(() -> {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Runs {@code action} and returns what the handler logged meanwhile, debug included. */
    private static List<ILoggingEvent> captureHandlerLog(Runnable action) {
        Logger logger = (Logger) LoggerFactory.getLogger(BackendServerHandler.class);
        Level previousLevel = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(previousLevel);
        }
        return List.copyOf(appender.list);
    }

    /** Drains the outbound buffers, each a whole response here, and releases them. */
    private List<String> readResponses() {
        channel.runPendingTasks();
        List<String> responses = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        ByteBuf buffer;
        while ((buffer = channel.readOutbound()) != null) {
            current.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        String all = current.toString();
        int start = 0;
        while (start < all.length()) {
            int next = all.indexOf("HTTP/1.1 ", start + 1);
            int end = next < 0 ? all.length() : next;
            responses.add(all.substring(start, end));
            start = end;
        }
        return responses;
    }

    private static String post(String body) {
        return "POST /api/tasks HTTP/1.1\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body;
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
