package io.vigia.backend;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Parses the task id in a request path, for the JSON API and the task page alike. Stateless.
 */
final class TaskIds {

    /** Returned by {@link #parse} for digits that cannot name a stored row: 0, or a number over a long's range. */
    static final long NO_SUCH_ID = -1;

    private TaskIds() {
    }

    /**
     * Returns the id that {@code text} names, or {@link #NO_SUCH_ID}.
     *
     * @throws InvalidRequestException if {@code text} is not a string of ASCII digits
     */
    static long parse(String text) {
        if (text.isEmpty() || !isDigits(text)) {
            throw new InvalidRequestException(HttpResponseStatus.BAD_REQUEST,
                    "invalid task id '" + text + "': expected a positive integer", "page.error.invalidId", text);
        }
        long id;
        try {
            id = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return NO_SUCH_ID;
        }
        return id > 0 ? id : NO_SUCH_ID;
    }

    /** Returns the message of a 404 response for a task that does not exist. */
    static String notFoundMessage(String id) {
        return "task " + id + " not found";
    }

    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
