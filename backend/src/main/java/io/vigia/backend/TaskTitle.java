package io.vigia.backend;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The rules a task title must meet, shared by the JSON API and the form of the task page. Stateless.
 */
final class TaskTitle {

    /** Maximum title length in Unicode code points. */
    static final int MAX_LENGTH = 200;

    private TaskTitle() {
    }

    /**
     * Returns {@code text} unchanged when it is a valid title.
     *
     * @throws InvalidRequestException if {@code text} is blank or longer than {@value #MAX_LENGTH} code points
     */
    static String validate(String text) {
        if (text.isBlank()) {
            throw new InvalidRequestException(HttpResponseStatus.BAD_REQUEST, "title must not be blank",
                    "page.error.titleBlank");
        }
        int length = text.codePointCount(0, text.length());
        if (length > MAX_LENGTH) {
            throw new InvalidRequestException(HttpResponseStatus.BAD_REQUEST,
                    "title has " + length + " characters; the maximum is " + MAX_LENGTH,
                    "page.error.titleTooLong", Integer.toString(length), Integer.toString(MAX_LENGTH));
        }
        return text;
    }
}
