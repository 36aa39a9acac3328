package io.vigia.backend;

/**
 * Hears of each finished {@link TaskStore} operation. Called on the store's thread, or on the caller's when
 * the store is closed, so an implementation must be thread-safe and quick.
 */
@FunctionalInterface
interface TaskOperationListener {

    /** Does nothing; the store's default. */
    TaskOperationListener NONE = (operation, succeeded, nanos) -> { };

    /**
     * Handles one finished operation.
     *
     * @param succeeded whether it completed normally rather than with a failure
     * @param nanos     time from the call on the store until the result, queueing and retries included
     */
    void onOperation(TaskOperation operation, boolean succeeded, long nanos);
}
