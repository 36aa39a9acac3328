package io.vigia.balancer;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vigia.core.ErrorCause;

/**
 * The reason the balancer rejects a client request before or while forwarding it, carried as the decoder result of
 * a failed {@code HttpRequest} or {@code HttpContent}.
 *
 * <p>{@link RequestHeadScanner} and {@link RequestValidator} mark requests with it, and {@link FrontendHandler}
 * turns every failed decoder result into the error response that {@link #of(Throwable)} describes. Netty's
 * own codec failures map to 414 (request line too long), 431 (header section too large) or 400.
 */
final class RequestRejectedException extends DecoderException {

    private static final long serialVersionUID = 1L;

    private final transient ErrorCause cause;

    RequestRejectedException(ErrorCause cause, String message) {
        super(message);
        this.cause = cause;
    }

    /** Skips the stack trace, because the message carries the reason and any client can trigger this at will. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** Returns the error cause, whose status the client receives. */
    ErrorCause errorCause() {
        return cause;
    }

    /** Maps a decoder failure, ours or Netty's, to the error the client receives. */
    static RequestRejectedException of(Throwable failure) {
        if (failure instanceof RequestRejectedException) {
            return (RequestRejectedException) failure;
        }
        // RequestValidator replaces the codec's 414 and 431 messages with ones that name the limit. These two
        // cover a failure that did not pass through it, still without Netty's own message.
        if (failure instanceof TooLongHttpLineException) {
            return new RequestRejectedException(ErrorCause.URI_TOO_LONG, "request line too long");
        }
        if (failure instanceof TooLongHttpHeaderException) {
            return new RequestRejectedException(ErrorCause.HEADERS_TOO_LARGE, "request header section too large");
        }
        return new RequestRejectedException(ErrorCause.MALFORMED_REQUEST,
                "malformed request: " + ProxyExchange.describe(failure));
    }
}
