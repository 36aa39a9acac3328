package io.vigia.backend;

/**
 * A request the backend rejects with 400 Bad Request. The message is sent to the client and recorded in the
 * error monitor, so it names what is wrong and what was expected.
 */
final class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
