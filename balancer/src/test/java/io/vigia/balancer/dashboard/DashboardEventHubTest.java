package io.vigia.balancer.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vigia.core.ErrorStatsJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives the hub on an embedded event loop with frozen time; streams are embedded channels. */
class DashboardEventHubTest {

    private static final String EVENT_PREFIX = "event: snapshot\ndata: ";

    private final FakeSnapshotSource source = new FakeSnapshotSource();
    private final EmbeddedChannel timer = new EmbeddedChannel();
    private final List<EmbeddedChannel> streams = new ArrayList<>();
    private DashboardEventHub hub;

    @AfterEach
    void closeChannels() {
        for (EmbeddedChannel stream : streams) {
            stream.finishAndReleaseAll();
        }
        timer.finishAndReleaseAll();
    }

    @Test
    void registerSendsCurrentSnapshotAtOnce() throws Exception {
        startHub(15_000);
        EmbeddedChannel stream = register();

        List<String> events = readWrites(stream);

        assertThat(events).hasSize(1);
        assertThat(events.get(0)).startsWith(EVENT_PREFIX).endsWith("}\n\n");
        JsonNode snapshot = parseEvent(events.get(0));
        assertThat(snapshot.path("status").path("listen").asText()).isEqualTo("127.0.0.1:8080");
        assertThat(snapshot.has("errors")).isTrue();
        assertThat(hub.streamCount()).isEqualTo(1);
    }

    @Test
    void pushesOnceAfterVersionChange() throws Exception {
        startHub(15_000);
        EmbeddedChannel stream = register();
        readWrites(stream);

        source.addError();
        tick();
        List<String> afterChange = readWrites(stream);
        tick();
        tick();
        List<String> afterQuietTicks = readWrites(stream);

        assertThat(afterChange).hasSize(1);
        assertThat(parseEvent(afterChange.get(0)).path("errors").path("total_errors").asLong()).isEqualTo(1);
        assertThat(afterQuietTicks).isEmpty();
    }

    @Test
    void sendsNothingWhileVersionUnchanged() {
        startHub(15_000);
        EmbeddedChannel stream = register();
        readWrites(stream);
        int callsBefore = source.snapshotCalls();

        for (int i = 0; i < 8; i++) {
            tick();
        }

        assertThat(readWrites(stream)).isEmpty();
        assertThat(source.snapshotCalls()).isEqualTo(callsBefore);
    }

    @Test
    void serializesOncePerTickForAllStreams() {
        startHub(15_000);
        List<EmbeddedChannel> three = List.of(register(), register(), register());
        three.forEach(this::readWrites);
        int callsBefore = source.snapshotCalls();

        source.addError();
        tick();

        assertThat(source.snapshotCalls()).isEqualTo(callsBefore + 1);
        for (EmbeddedChannel stream : three) {
            List<String> events = readWrites(stream);
            assertThat(events).hasSize(1);
            assertThat(events.get(0)).contains("\"total_errors\":1");
        }
    }

    @Test
    void unwritableStreamCatchesUpWhenWritable() {
        startHub(15_000);
        EmbeddedChannel slow = register();
        EmbeddedChannel fast = register();
        readWrites(slow);
        readWrites(fast);

        slow.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        source.addError();
        tick();
        List<String> slowWhileBlocked = readWrites(slow);
        List<String> fastEvents = readWrites(fast);

        slow.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        tick();
        List<String> slowAfterUnblock = readWrites(slow);
        List<String> fastAfterUnblock = readWrites(fast);

        assertThat(slowWhileBlocked).isEmpty();
        assertThat(fastEvents).hasSize(1);
        assertThat(slowAfterUnblock).hasSize(1);
        assertThat(slowAfterUnblock.get(0)).contains("\"total_errors\":1");
        assertThat(fastAfterUnblock).isEmpty();
    }

    @Test
    void sendsKeepAliveCommentAfterIdleInterval() {
        startHub(1_000);
        EmbeddedChannel stream = register();
        readWrites(stream);

        for (int i = 0; i < 3; i++) {
            tick();
        }
        List<String> beforeInterval = readWrites(stream);
        tick();
        List<String> atInterval = readWrites(stream);

        assertThat(beforeInterval).isEmpty();
        assertThat(atInterval).containsExactly(": keep-alive\n\n");
    }

    @Test
    void eventResetsKeepAliveClock() {
        startHub(1_000);
        EmbeddedChannel stream = register();
        readWrites(stream);

        tick();
        tick();
        source.addError();
        tick();
        tick();
        List<String> writes = readWrites(stream);

        assertThat(writes).hasSize(1);
        assertThat(writes.get(0)).startsWith(EVENT_PREFIX);
    }

    @Test
    void closedStreamIsRemoved() {
        startHub(15_000);
        EmbeddedChannel stream = register();
        readWrites(stream);

        stream.close();
        timer.runPendingTasks();

        assertThat(hub.streamCount()).isZero();
    }

    @Test
    void snapshotFailureKeepsTimerRunning() {
        startHub(15_000);
        EmbeddedChannel stream = register();
        readWrites(stream);

        source.setFailing(true);
        source.addError();
        tick();
        List<String> whileFailing = readWrites(stream);
        source.setFailing(false);
        tick();
        List<String> afterRecovery = readWrites(stream);

        assertThat(whileFailing).isEmpty();
        assertThat(afterRecovery).hasSize(1);
        assertThat(afterRecovery.get(0)).contains("\"total_errors\":1");
    }

    @Test
    void stopClosesStreamsAndLaterRegistrations() {
        startHub(15_000);
        EmbeddedChannel stream = register();
        readWrites(stream);

        hub.stop();
        timer.runPendingTasks();
        EmbeddedChannel late = register();

        assertThat(stream.isOpen()).isFalse();
        assertThat(late.isOpen()).isFalse();
        assertThat(readWrites(late)).isEmpty();
        assertThat(hub.streamCount()).isZero();
    }

    @Test
    void rejectsNonPositiveIntervals() {
        assertThatThrownBy(() -> new DashboardEventHub(source, timer.eventLoop(), 0, 15_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pushIntervalMillis");
        assertThatThrownBy(() -> new DashboardEventHub(source, timer.eventLoop(), 250, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keepAliveIntervalMillis");
    }

    private void startHub(long keepAliveIntervalMillis) {
        timer.freezeTime();
        hub = new DashboardEventHub(source, timer.eventLoop(), 250, keepAliveIntervalMillis).start();
        timer.runPendingTasks();
    }

    private EmbeddedChannel register() {
        EmbeddedChannel stream = new EmbeddedChannel();
        streams.add(stream);
        hub.register(stream);
        timer.runPendingTasks();
        return stream;
    }

    private void tick() {
        timer.advanceTimeBy(250, TimeUnit.MILLISECONDS);
        timer.runScheduledPendingTasks();
        timer.runPendingTasks();
    }

    /** Returns the text of every chunk written to {@code stream} since the last call, releasing each. */
    private List<String> readWrites(EmbeddedChannel stream) {
        List<String> writes = new ArrayList<>();
        Object message;
        while ((message = stream.readOutbound()) != null) {
            try {
                assertThat(message).isInstanceOf(HttpContent.class);
                writes.add(((HttpContent) message).content().toString(StandardCharsets.UTF_8));
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
        return writes;
    }

    private static JsonNode parseEvent(String event) throws Exception {
        String json = event.substring(EVENT_PREFIX.length(), event.length() - 2);
        assertThat(json).doesNotContain("\n");
        return ErrorStatsJson.MAPPER.readTree(json);
    }
}
