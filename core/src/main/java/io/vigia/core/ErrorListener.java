package io.vigia.core;

/**
 * Receives each error that an {@link ErrorMonitor} records, right after the monitor counted it.
 *
 * <p>Called on the thread that recorded the error, usually an event loop, so an implementation must be
 * thread-safe, must not block and should not allocate in steady state.
 */
@FunctionalInterface
public interface ErrorListener {

    /**
     * Handles one recorded error; the parameters are those of {@link ErrorMonitor#record}, without the message.
     *
     * @param status   the error status, 400 or more
     * @param method   request method, or {@code null} if the request could not be parsed
     * @param path     request target as received, or {@code null}
     * @param upstream backend that served it as {@code host:port}, or {@code null}
     * @param cause    why the balancer or server made the error itself, or {@code null}
     */
    void onError(int status, String method, String path, String upstream, ErrorCause cause);
}
