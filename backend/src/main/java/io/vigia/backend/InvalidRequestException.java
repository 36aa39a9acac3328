package io.vigia.backend;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * A request the backend rejects with a client error status, 400 Bad Request unless given another. The message
 * is sent to the client of the JSON API and recorded in the error monitor, so it names what is wrong and what
 * was expected. The task page shows a person the bundle message {@link #messageKey()} in their language
 * instead, when one is given.
 */
final class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;
    private final String messageKey;
    private final List<String> messageArguments;

    InvalidRequestException(String message) {
        this(HttpResponseStatus.BAD_REQUEST, message, null);
    }

    /**
     * @param messageKey       key of the page's version of the message in {@code BackendMessages}, or {@code null}
     * @param messageArguments values for the placeholders of that message
     */
    InvalidRequestException(HttpResponseStatus status, String message, String messageKey,
                            String... messageArguments) {
        super(message, null, false, false);
        this.status = status;
        this.messageKey = messageKey;
        this.messageArguments = List.of(messageArguments);
    }

    HttpResponseStatus status() {
        return status;
    }

    /** Key of the message that the task page shows, or {@code null} when the page shows {@link #getMessage()}. */
    String messageKey() {
        return messageKey;
    }

    List<String> messageArguments() {
        return messageArguments;
    }
}
