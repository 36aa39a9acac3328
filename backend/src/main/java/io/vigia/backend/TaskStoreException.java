package io.vigia.backend;

/**
 * Failure of one {@link TaskStore} operation: a SQL error, a database still busy after every retry, or a call
 * after the store was closed. The message names the operation and the reason.
 */
public final class TaskStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TaskStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
