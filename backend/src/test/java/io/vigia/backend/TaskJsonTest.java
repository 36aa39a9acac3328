package io.vigia.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of create bodies and the JSON form of tasks, without a server. */
class TaskJsonTest {

    @Test
    void parseTitleReturnsTitleAndLeavesBufferUnread() {
        ByteBuf body = Unpooled.copiedBuffer("{\"title\":\"Buy milk\"}", StandardCharsets.UTF_8);
        try {
            assertThat(TaskJson.parseTitle(body)).isEqualTo("Buy milk");
            assertThat(body.readerIndex()).isZero();
        } finally {
            body.release();
        }
    }

    @Test
    void parseTitleRejectsMissingTitle() {
        ByteBuf body = Unpooled.copiedBuffer("{\"name\":\"x\"}", StandardCharsets.UTF_8);
        try {
            assertThatThrownBy(() -> TaskJson.parseTitle(body))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("title is required");
        } finally {
            body.release();
        }
    }

    @Test
    void parseTitleRejectsEmptyBuffer() {
        assertThatThrownBy(() -> TaskJson.parseTitle(Unpooled.EMPTY_BUFFER))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("request body is empty");
    }

    @Test
    void parseTitleCountsCodePointsNotChars() {
        ByteBuf body = Unpooled.copiedBuffer("{\"title\":\"" + "😀".repeat(200) + "\"}", StandardCharsets.UTF_8);
        try {
            assertThat(TaskJson.parseTitle(body)).hasSize(400);
        } finally {
            body.release();
        }
    }

    @Test
    void taskJsonHasSnakeCaseKeys() {
        Task task = new Task(7, "a \"quoted\" title", true, "2026-01-02T03:04:05.006Z");

        String json = new String(TaskJson.toJsonArray(List.of(task)), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("[{\"id\":7,\"title\":\"a \\\"quoted\\\" title\",\"completed\":true,"
                + "\"created_at\":\"2026-01-02T03:04:05.006Z\"}]");
    }
}
