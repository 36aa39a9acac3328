package io.vigia.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * JSON form of {@link ErrorStats}, served at {@code GET /errors/stats}.
 *
 * <p>The keys {@code total_errors} and {@code error_types} are those of the original course system;
 * {@code recent_errors} lists the newest error first, each with {@code sequence}, {@code timestamp},
 * {@code type} (the bucket), {@code status}, {@code message}, {@code method}, {@code endpoint},
 * {@code upstream} and {@code cause}. Every key is always present; unknown values are {@code null}.
 */
public final class ErrorStatsJson {

    /** Shared, thread-safe mapper; configure nothing on it after startup. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ErrorStatsJson() {
    }

    /** Builds the JSON tree of {@code stats}. */
    public static ObjectNode toTree(ErrorStats stats) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("total_errors", stats.totalErrors());
        ObjectNode types = root.putObject("error_types");
        for (Map.Entry<String, Long> entry : stats.errorTypes().entrySet()) {
            types.put(entry.getKey(), entry.getValue());
        }
        ArrayNode recent = root.putArray("recent_errors");
        for (ErrorRecord record : stats.recentErrors()) {
            recent.add(toTree(record));
        }
        return root;
    }

    /** Builds the JSON tree of one recent error. */
    public static ObjectNode toTree(ErrorRecord record) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("sequence", record.sequence());
        node.put("timestamp", record.timestamp());
        node.put("type", record.bucket().name());
        node.put("status", record.status());
        node.put("message", record.message());
        node.put("method", record.method());
        node.put("endpoint", record.path());
        node.put("upstream", record.upstream());
        node.put("cause", record.cause() == null ? null : record.cause().jsonName());
        return node;
    }

    /** Serializes {@code stats} to UTF-8 JSON bytes. */
    public static byte[] toBytes(ErrorStats stats) {
        try {
            return MAPPER.writeValueAsBytes(toTree(stats));
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serializes; reaching this is a bug.
            throw new IllegalStateException("cannot serialize error stats", e);
        }
    }
}
