package io.vigia.backend;

/**
 * The failure that {@code POST /api/tasks/simulate-error} raises on purpose, so that the request takes the
 * same path to a 500 response as a real exception and its message reaches the error log.
 *
 * <p>{@link BackendServerHandler} logs it as one line without a stack trace, because a client asked for it
 * and it points at no fault in the code; for the same reason it records no stack trace.
 */
final class SimulatedFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SimulatedFailureException(String message) {
        super(message, null, false, false);
    }
}
