package io.vigia.core.http;

import io.vigia.core.ErrorCause;

/**
 * Extra facts about an error response that its status alone does not carry. A response object that
 * implements this interface hands them to {@link ErrorRecordingHandler} when it is written.
 */
public interface ErrorDetail {

    /** A human-readable message for the error log, or {@code null}. */
    String errorMessage();

    /** Reason the server or balancer made this error itself, or {@code null}. */
    ErrorCause errorCause();

    /** The backend that the error concerns as {@code host:port}, or {@code null}. */
    default String errorUpstream() {
        return null;
    }
}
