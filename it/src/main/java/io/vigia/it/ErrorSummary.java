package io.vigia.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two numbers the scenario client prints from a {@code GET /errors/stats} body: {@code total_errors}
 * and the {@code error_types} map, with buckets ordered by status code.
 *
 * <p>Immutable; any thread may use it.
 */
record ErrorSummary(long totalErrors, Map<String, Long> errorTypes) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    ErrorSummary {
        errorTypes = Collections.unmodifiableMap(new LinkedHashMap<>(errorTypes));
    }

    /**
     * Parses a {@code /errors/stats} body.
     *
     * @throws IllegalArgumentException if the body is not JSON, or {@code total_errors} or {@code error_types}
     *     is missing or contains something other than whole numbers
     */
    static ErrorSummary parse(byte[] json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("body cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("body is not a JSON object");
        }
        return new ErrorSummary(wholeNumber(root.get("total_errors"), "total_errors"), errorTypes(root));
    }

    private static Map<String, Long> errorTypes(JsonNode root) {
        JsonNode types = root.get("error_types");
        if (types == null || !types.isObject()) {
            throw new IllegalArgumentException("error_types is missing or not a JSON object");
        }
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(types.properties());
        // List.sort is stable, so buckets without a leading code keep their order at the end.
        entries.sort(Comparator.comparingInt(entry -> statusOf(entry.getKey())));

        Map<String, Long> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : entries) {
            ordered.put(entry.getKey(), wholeNumber(entry.getValue(), "error_types." + entry.getKey()));
        }
        return ordered;
    }

    private static long wholeNumber(JsonNode node, String field) {
        if (node == null || !node.canConvertToExactIntegral() || !node.canConvertToLong()) {
            throw new IllegalArgumentException(field + " is missing or not a whole number: " + node);
        }
        return node.asLong();
    }

    /** Returns the status code that starts a bucket name such as {@code 404_NOT_FOUND}, or MAX_VALUE if none. */
    static int statusOf(String bucket) {
        int end = 0;
        while (end < bucket.length() && end < 3 && Character.isDigit(bucket.charAt(end))) {
            end++;
        }
        return end == 0 ? Integer.MAX_VALUE : Integer.parseInt(bucket.substring(0, end));
    }
}
