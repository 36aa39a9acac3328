package io.vigia.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.vigia.core.ErrorStatsJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * JSON form of tasks and validation of the body of {@code POST /api/tasks}. Stateless and used on any thread.
 *
 * <p>A task is written as {@code {"id":1,"title":"...","completed":false,"created_at":"ISO-8601"}}.
 */
final class TaskJson {

    private static final String EXAMPLE = "{\"title\": \"Buy milk\"}";
    private static final ObjectReader STRICT_READER =
            ErrorStatsJson.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TaskJson() {
    }

    /**
     * Reads the title from a create request body without consuming {@code body}.
     *
     * @throws InvalidRequestException if the body is empty, is not valid JSON, is not a JSON object, or has no
     *                                 string title that {@link TaskTitle#validate} accepts
     */
    static String parseTitle(ByteBuf body) {
        JsonNode root = readTree(body);
        if (!root.isObject()) {
            throw new InvalidRequestException("request body must be a JSON object such as " + EXAMPLE
                    + ", not " + typeName(root));
        }
        JsonNode title = root.get("title");
        if (title == null || title.isNull()) {
            throw new InvalidRequestException("title is required, as in " + EXAMPLE);
        }
        if (!title.isTextual()) {
            throw new InvalidRequestException("title must be a string, not " + typeName(title));
        }
        return TaskTitle.validate(title.textValue());
    }

    static ObjectNode toJson(Task task) {
        ObjectNode node = ErrorStatsJson.MAPPER.createObjectNode();
        node.put("id", task.id());
        node.put("title", task.title());
        node.put("completed", task.completed());
        node.put("created_at", task.createdAt());
        return node;
    }

    /** Serializes {@code tasks} as a JSON array in UTF-8. */
    static byte[] toJsonArray(List<Task> tasks) {
        ArrayNode array = ErrorStatsJson.MAPPER.createArrayNode();
        for (Task task : tasks) {
            array.add(toJson(task));
        }
        try {
            return ErrorStatsJson.MAPPER.writeValueAsBytes(array);
        } catch (JsonProcessingException e) {
            // A tree of strings, numbers and booleans always serializes, so reaching this is a bug.
            throw new IllegalStateException("cannot serialize the task list", e);
        }
    }

    private static JsonNode readTree(ByteBuf body) {
        if (!body.isReadable()) {
            throw emptyBody();
        }
        JsonNode root;
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            root = STRICT_READER.readTree(in);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // Reading from an in-memory buffer does no I/O, so only a bug gets here.
            throw new UncheckedIOException(e);
        }
        if (root == null || root.isMissingNode()) {
            throw emptyBody();
        }
        return root;
    }

    private static InvalidRequestException emptyBody() {
        return new InvalidRequestException("request body is empty; expected a JSON object such as " + EXAMPLE);
    }

    private static String typeName(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
